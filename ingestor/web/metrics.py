"""/metrics, /healthz and /readyz: for Prometheus and for load balancers, without sign-in.

- /healthz: the process is alive and serving (no store access, always fast).
- /readyz: the store answers within READY_TIMEOUT and, in a daemon, the scheduler runs; 503
  otherwise, with a JSON body saying which check failed.
- /metrics: see ingestor.metrics; carries only source names and numbers, so it is public like
  the other two (bind the web port, or `[metrics] listen`, to an address only Prometheus reaches).
"""

from __future__ import annotations

import asyncio

from prometheus_client import CollectorRegistry
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ingestor.metrics import CONTENT_TYPE, exposition
from ingestor.runtime import Runtime
from ingestor.store.selfcheck import ping
from ingestor.web.context import store_of

READY_TIMEOUT = 5.0


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "alive"})


async def readyz(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    store = store_of(request)
    checks: dict[str, str] = {}
    try:
        await asyncio.wait_for(run_in_threadpool(store.run, ping), READY_TIMEOUT)
        checks["store"] = "ok"
    except TimeoutError:
        checks["store"] = f"no answer within {READY_TIMEOUT:g} s"
    except Exception as e:  # noqa: BLE001 - any failure to answer means "not ready"
        checks["store"] = f"unavailable ({type(e).__name__})"
    if runtime.scheduler_alive is None:
        checks["scheduler"] = "not in this process"
    else:
        checks["scheduler"] = "ok" if runtime.scheduler_alive() else "stopped or stalled"
    ready = checks["store"] == "ok" and checks["scheduler"] in ("ok", "not in this process")
    return JSONResponse(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status_code=200 if ready else 503,
    )


async def metrics(request: Request) -> Response:
    registry: CollectorRegistry = request.app.state.metrics
    body = await run_in_threadpool(exposition, registry)
    return Response(body, media_type=CONTENT_TYPE)
