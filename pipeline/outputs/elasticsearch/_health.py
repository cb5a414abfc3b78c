"""A health check that does what the sink does: same session, same auth, same ``_bulk`` path.

Three steps: ``GET /`` (reachable, a supported major version, the cluster's uuid),
``GET /_cluster/health`` (not red), and an empty ``POST /_bulk`` -- Elasticsearch answers 400
"no requests added" to a caller allowed to bulk-index and 401/403 to one who is not, so
credentials are proven on the very endpoint the sink uses without writing a document.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.errors import AuthError, NotConnected, UnsupportedServer
from pipeline.outputs.elasticsearch._service import BulkService

SUPPORTED_MAJOR = 8
NODE_INFO = "/_nodes/_local?filter_path=cluster_name,nodes.*.version"
CLUSTER_UUID = "/_cluster/state/metadata?filter_path=metadata.cluster_uuid"
UNKNOWN_UUID = "_na_"
"""What Elasticsearch answers for the uuid before the cluster has formed."""


@dataclass(frozen=True, slots=True)
class ClusterInfo:
    """What the check learnt about the cluster."""

    version: str
    cluster_name: str
    status: str
    cluster_uuid: str = ""
    """The cluster's identity whatever URL reached it ("" where Elasticsearch does not tell)."""


async def check_health(service: BulkService) -> ClusterInfo:
    """Raise NotConnected / AuthError / UnsupportedServer, or describe a usable cluster."""
    version, name, uuid = await _version(service)
    major = version.split(".", maxsplit=1)[0]
    if version == "unknown":
        raise UnsupportedServer(
            f"{service.base_url} is not Elasticsearch: GET / gave no Elasticsearch version "
            f"(expected a JSON answer with version.number {SUPPORTED_MAJOR}.x)"
        )
    if not major.isdigit() or int(major) != SUPPORTED_MAJOR:
        raise UnsupportedServer(
            f"{service.base_url} runs Elasticsearch {version}; lumberyard needs {SUPPORTED_MAJOR}.x"
        )
    status, health = await service.get_json("/_cluster/health")
    _check_status(service, "GET /_cluster/health", status)
    colour = str((health or {}).get("status", "unknown"))
    if colour == "red":
        raise NotConnected(f"cluster at {service.base_url} is red: primaries are unassigned")
    status, _ = await service.bulk(b"")
    _check_status(service, "POST /_bulk", status, expected=(400, 200))
    return ClusterInfo(version, name, colour, uuid)


async def _version(service: BulkService) -> tuple[str, str, str]:
    """(version, cluster name, cluster uuid) from ``GET /``, or from the local node info and
    the cluster state where ``GET /`` is absent (distributions without the rest-root module
    answer it 405)."""
    status, root = await service.get_json("/")
    _check_status(service, "GET /", status, expected=(200, 404, 405))
    if status == 200 and isinstance(root, dict):
        version = str((root.get("version") or {}).get("number", "unknown"))
        return version, str(root.get("cluster_name", "")), _known(root.get("cluster_uuid"))
    status, nodes = await service.get_json(NODE_INFO)
    _check_status(service, "GET /_nodes/_local", status)
    found = list(((nodes or {}).get("nodes") or {}).values())
    version = str(found[0].get("version", "unknown")) if found else "unknown"
    status, state = await service.get_json(CLUSTER_UUID)
    uuid = (state or {}).get("metadata", {}).get("cluster_uuid") if status == 200 else None
    return version, str((nodes or {}).get("cluster_name", "")), _known(uuid)


def _known(uuid: object) -> str:
    """The uuid when Elasticsearch gave a real one, else ""."""
    return uuid if isinstance(uuid, str) and uuid not in ("", UNKNOWN_UUID) else ""


def _check_status(
    service: BulkService, what: str, status: int, expected: tuple[int, ...] = (200,)
) -> None:
    if status in (401, 403):
        raise AuthError(
            f"{what} on {service.base_url} answered HTTP {status}: check the API key / user "
            "and its privileges (monitor, create_doc on the target indices)"
        )
    if status not in expected:
        raise NotConnected(f"{what} on {service.base_url} answered HTTP {status}")
