"""The server-side TLS context of the Beats input: certificate + key, CA bundles, client
authentication none / optional / required, TLS 1.2 or newer."""

from __future__ import annotations

import ssl

from pipeline.errors import ConfigError
from pipeline.inputs.beats._config import BeatsTlsConfig

_VERIFY = {
    "none": ssl.CERT_NONE,
    "optional": ssl.CERT_OPTIONAL,
    "required": ssl.CERT_REQUIRED,
}
_VERSIONS = {"1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}


def server_context(config: BeatsTlsConfig) -> ssl.SSLContext | None:
    """The context for ``config``, or ``None`` when TLS is off. A certificate, key or CA file
    that cannot be loaded is a :class:`ConfigError` naming it (at startup, not per client)."""
    if config.certificate is None or config.key is None:
        return None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = _VERSIONS[config.min_version]
    try:
        context.load_cert_chain(config.certificate, config.key, config.key_passphrase)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(
            f"inputs.beats.tls: cannot load certificate {config.certificate} with key "
            f"{config.key}: {exc}"
        ) from exc
    for bundle in config.certificate_authorities:
        try:
            context.load_verify_locations(cafile=bundle)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(
                f"inputs.beats.tls.certificate_authorities: cannot load {bundle}: {exc}"
            ) from exc
    context.verify_mode = _VERIFY[config.client_authentication]
    return context
