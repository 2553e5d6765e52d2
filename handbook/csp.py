"""The site's Content-Security-Policy -> the <meta> tag every published HTML page carries.

The site is static, so the policy travels in each page (a server may add the same policy,
plus ``frame-ancestors``, which a <meta> cannot set, as a header). Only the site's own
scripts, styles, fonts and images load; no inline script or style runs, no plugin, no form
posts elsewhere; even text that slipped through escaping could run nothing.
"""

from __future__ import annotations

POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
          "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'")


def csp_meta() -> str:
    """The <meta http-equiv> element; it must come before the first script or stylesheet."""
    return f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">'
