"""The console's security headers as CloudFront adds them: read from template.yaml's ``ConsoleHeadersPolicy``, so
the local front serves the console under the very policy the deployed one gets, its own origins filled in."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_VARIABLE = re.compile(r"\$\{([^}]+)\}")


def console_headers(policy: Mapping[str, Any], *, api_origin: str, uploads_origin: str) -> dict[str, str]:
    """The headers ``policy`` (the template's ``ConsoleHeadersPolicy`` resource) adds to every console file, the
    content security policy naming ``api_origin`` and ``uploads_origin`` where the deployed one names AWS's."""
    config = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    text, _ = config["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    origins = {"AdminApiOrigin": api_origin, "UploadsOrigin": uploads_origin}
    named = set(_VARIABLE.findall(str(text)))
    if named != set(origins):
        raise ValueError(
            f"the console's content security policy names {sorted(named)}, the local front knows "
            f"{sorted(origins)}: teach it the new ones"
        )
    return {
        "Content-Security-Policy": _VARIABLE.sub(lambda m: origins[m.group(1)], str(text)),
        "X-Frame-Options": str(config["FrameOptions"]["FrameOption"]),
        "Referrer-Policy": str(config["ReferrerPolicy"]["ReferrerPolicy"]),
    }
