"""How people sign in to the citizen portal: pluggable sign-in providers.

A provider (`base.SignInProvider`) has an `identifier`, a `label`, `start(request)` that shows
a form or redirects to an identity provider, and `complete(request)` that checks what came
back and returns the `User` (or raises `SignInFailed` with a Vietnamese message). The portal's
views log the returned user in; providers never call `login()` themselves.

Providers register themselves with `registry.register` when their module is imported;
`registry.PROVIDER_MODULES` lists the modules loaded by default. Today there is one:

- `contrib.password`: email or phone number plus password (the accounts of `/dang-ky/`).

VNeID (the national electronic identification, an OpenID Connect provider) plugs in as another
provider, e.g. `contrib/vneid/provider.py`: `start()` redirects to the VNeID authorization
endpoint with a `state` and `nonce` kept in the session; `complete()` runs at
`/dang-nhap/vneid/xong/` (the redirect URI), exchanges the code for tokens, checks the ID
token, and finds or creates the citizen `User` by the personal identification number it
carries (a VNeID level-2 identity counts as verified). Add its module to `PROVIDER_MODULES`
and the login page lists it as a button; no view changes are needed.
"""
