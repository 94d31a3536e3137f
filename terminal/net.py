"""The one way the terminal opens an HTTP session (platform, payment gateway, hospital system).

The rule for every one of them: **no redirect is followed**. `requests` follows 301/302/303/307
on any method by default, turning a POST into a GET for 302 and 303; a proxy, a captive portal
or a moved service in the path then answers in place of the service, and what the terminal
reads (a 404, a refusal, a refused connection to the new address) says nothing about whether
the original request moved money. So every request is sent with `allow_redirects=False` and
a 3xx reaches the caller, which treats it like any answer it did not expect after the request
may have arrived: the outcome is unknown until resolved (docs/platform-client.md, "Redirects").
The session made here backs that up: it sends every request that way, whatever the call says.
(`max_redirects = 0` would not do: `requests` walks the redirect generator even when not
following, to fill `Response.next`, and would raise `TooManyRedirects` for a plain 302.)

Proxies, certificates and netrc credentials from the environment are not used either: the
terminal reaches its services directly, as configured.
"""

from __future__ import annotations

from typing import Any

import requests


class _NoRedirectSession(requests.Session):
    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        kwargs["allow_redirects"] = False
        return super().request(method, url, *args, **kwargs)


def http_session() -> requests.Session:
    """A session that never follows a redirect and ignores the environment's proxy settings."""
    session = _NoRedirectSession()
    session.trust_env = False
    return session
