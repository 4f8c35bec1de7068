"""The HTTP transport: a WSGI app onto the dispatcher, and a werkzeug server in a thread.

Other processes and other languages reach mockmpu through this: the AWS CLI, a shell script, a
``multiprocessing`` pool, rclone, the AWS SDK for JavaScript. Each HTTP request becomes an
:class:`~mockmpu.core.wire.HttpRequest` (the path and query exactly as sent, the host with the
bucket in it for virtual-hosted style) and goes to :func:`mockmpu.dispatch.dispatch`; the
:class:`~mockmpu.core.wire.WireResponse` goes back as it is.

werkzeug's server (the one moto's threaded server uses) de-chunks ``Transfer-Encoding: chunked``
request bodies and answers ``Expect: 100-continue``; ``aws-chunked`` bodies are decoded by the S3
codec. Signatures (SigV4 headers, SigV2, presigned URLs) are accepted and not verified: any
credentials work. A request for an operation mockmpu does not serve is answered with an
AWS-shaped ``501 NotImplemented`` error naming the operation, and recorded among the calls.

Requests under ``admin_prefix`` (``/_mockmpu/``) go to the admin handler instead.

Not modelled: TLS (serve http only), signature verification, ``x-amz-expected-bucket-owner``.
"""

from __future__ import annotations

import socket
import sys
import threading
import traceback
from collections.abc import Collection, Iterable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Callable

from mockmpu.core.calls import Call
from mockmpu.core.errors import MockmpuError, ServiceError
from mockmpu.core.wire import HttpRequest, WireResponse
from mockmpu.dispatch import NotServed, Target, route, serve
from mockmpu.services import handler, served_summary

if TYPE_CHECKING:
    from werkzeug.serving import BaseWSGIServer

__all__ = ["ADMIN_PREFIX", "AdminHandler", "Observer", "ServerThread", "WireApp", "http_request"]

#: The reserved path of the admin API (no bucket can be called ``_mockmpu``: S3 bucket names
#: have no underscores).
ADMIN_PREFIX = "/_mockmpu/"

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
#: Answers one admin request: (method, path below the prefix, query, body) -> (status, JSON body).
AdminHandler = Callable[[str, str, dict[str, str], bytes], tuple[int, bytes]]
#: Sees each served answer: (service, operation, response).
Observer = Callable[[str, str, WireResponse], None]


def _header_name(key: str) -> str:
    return key[5:].replace("_", "-").lower()


def http_request(environ: dict[str, Any]) -> HttpRequest:
    """The raw request a WSGI environ describes: the path and query as sent, every header.

    The body is read to its end (werkzeug has already undone ``Transfer-Encoding: chunked``).
    """
    from werkzeug.wsgi import get_input_stream

    host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
    raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if not raw:
        from urllib.parse import quote

        path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace")
        raw = quote(environ.get("SCRIPT_NAME", "") + path, safe="/~")
        if environ.get("QUERY_STRING"):
            raw += "?" + environ["QUERY_STRING"]
    if "://" in raw.split("?", 1)[0]:  # an absolute URI in the request line
        raw = "/" + raw.split("://", 1)[1].partition("/")[2]
    headers = {_header_name(k): str(v) for k, v in environ.items() if k.startswith("HTTP_")}
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = environ["CONTENT_TYPE"]
    if environ.get("CONTENT_LENGTH"):
        headers["content-length"] = environ["CONTENT_LENGTH"]
    body = get_input_stream(environ).read()
    return HttpRequest(environ["REQUEST_METHOD"], f"http://{host}{raw}", headers, body)


def not_implemented(target: Target, missing: NotServed) -> WireResponse:
    """Answer and record an operation mockmpu does not serve: AWS's ``501 NotImplemented``.

    S3 answers unimplemented functionality with ``NotImplemented`` (501); the message here names
    the operation and what is served instead. Source:
    https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
    """
    message = f"mockmpu does not implement {missing.describe()}. Served: {served_summary()}."
    error = ServiceError("NotImplemented", message, 501, sender="Server")
    reply = _render_error(target, missing.service, error)
    target.record(
        Call(missing.service, missing.operation, dict(missing.params), 501, "NotImplemented")
    )
    return reply


def _render_error(target: Target, service: str, error: ServiceError) -> WireResponse:
    if service == "glacier":
        from mockmpu.glacier.codec import render_error as glacier_error

        return glacier_error(target.state, error)
    from mockmpu.s3.codec import render_error as s3_error

    return s3_error(target.state, error)


def _latin1(value: str) -> str:
    """A header value as WSGI carries it: its UTF-8 bytes, one code point per byte."""
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8").decode("latin-1")
    return value


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


class WireApp:
    """The WSGI application: S3 and Glacier requests to the dispatcher, admin requests aside.

    Each request is routed and served as :func:`mockmpu.dispatch.dispatch` does.

    Args:
        target: returns the mock to serve from, per request (the admin API may swap it).
        endpoint_hosts: extra host suffixes read as virtual-hosted style (``bkt.<suffix>``);
            ``localhost`` and AWS's endpoints are always known.
        admin: the admin API's handler, or ``None`` for no admin API.
        observe: called with ``(service, operation, response)`` after each served request
            (not for unserved ones), e.g. to read what a client was shown.
    """

    def __init__(
        self,
        target: Callable[[], Target],
        *,
        endpoint_hosts: Collection[str] = (),
        admin: AdminHandler | None = None,
        observe: Observer | None = None,
    ) -> None:
        self._target = target
        self._endpoint_hosts = tuple(endpoint_hosts)
        self._admin = admin
        self._observe = observe

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = http_request(environ)
        path = request.url.split("://", 1)[1].partition("/")[2]
        if self._admin is not None and ("/" + path).startswith(ADMIN_PREFIX):
            return self._answer_admin(request, "/" + path, start_response)
        target = self._target()
        try:
            routed = route(request, endpoint_hosts=self._endpoint_hosts)
            if isinstance(routed, NotServed):
                reply = not_implemented(target, routed)
            else:
                reply = serve(target, handler(routed.service, routed.operation), routed)
                if self._observe is not None:
                    self._observe(routed.service, routed.operation, reply)
        except MockmpuError as exc:  # a listing loop stopped, or mockmpu misrouted
            error = ServiceError("InternalError", f"mockmpu: {exc}", 500, sender="Server")
            reply = _render_error(target, _service_hint(request), error)
        except Exception:  # a bug in mockmpu: say so, keep serving
            traceback.print_exc(file=sys.stderr)
            message = "mockmpu failed on this request (a bug: the traceback is on its stderr)."
            error = ServiceError("InternalError", message, 500, sender="Server")
            reply = _render_error(target, _service_hint(request), error)
        headers = {k: v for k, v in reply.headers.items() if k.lower() != "content-length"}
        body = b"" if request.method.upper() == "HEAD" else reply.body
        headers["Content-Length"] = str(len(reply.body))
        start_response(_status_line(reply.status), [(k, _latin1(v)) for k, v in headers.items()])
        return [body]

    def _answer_admin(
        self, request: HttpRequest, path: str, start_response: StartResponse
    ) -> Iterable[bytes]:
        from urllib.parse import parse_qsl, unquote, urlsplit

        assert self._admin is not None
        parts = urlsplit(path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        body = request.body if isinstance(request.body, bytes) else b""
        name = unquote(parts.path[len(ADMIN_PREFIX) :]).strip("/")
        status, payload = self._admin(request.method.upper(), name, query, body)
        from email.utils import formatdate

        headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(payload))),
            ("Date", formatdate(usegmt=True)),
        ]
        start_response(_status_line(status), headers)
        return [payload]


def _service_hint(request: HttpRequest) -> str:
    headers = {str(k).lower() for k in request.headers}
    return "glacier" if "x-amz-glacier-version" in headers else "s3"


class ServerThread:
    """A threaded werkzeug server for ``app`` on ``host:port``, serving in a daemon thread.

    ``port=0`` picks a free port; :attr:`port` is the one bound. :meth:`start` returns once the
    socket listens, so a client may connect at once.
    """

    def __init__(self, app: WireApp, *, host: str = "127.0.0.1", port: int = 0) -> None:
        from werkzeug.serving import WSGIRequestHandler, make_server

        class _Handler(WSGIRequestHandler):
            """No access log; no ``Server``/``Date`` of its own (the codecs send AWS's).

            TCP_NODELAY: werkzeug writes the head and the body in separate sends, and with
            Nagle's algorithm the body waits for the client's delayed ACK (about 40 ms).
            """

            disable_nagle_algorithm = True

            def handle_expect_100(self) -> bool:
                return True  # werkzeug's run_wsgi sends the one "100 Continue"

            def send_response(self, code: int, message: str | None = None) -> None:
                self.send_response_only(code, message)

            def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
                pass

        try:  # bind here, so that a taken port is an error of ours (werkzeug would exit)
            listener = socket.create_server((host, port))
        except OSError as exc:
            raise MockmpuError(
                f"mockmpu's server could not listen on {host}:{port} ({exc.strerror}); pick "
                "another port, or port 0 for a free one."
            ) from None
        bound = int(listener.getsockname()[1])
        with listener:
            self._server: BaseWSGIServer = make_server(
                host,
                bound,
                app,
                threaded=True,
                request_handler=_Handler,
                fd=listener.fileno(),
            )
        self.host = host
        self.port = bound
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> ServerThread:
        """Serve in a daemon thread (the socket already listens); return self."""
        self._thread = threading.Thread(
            target=self._server.serve_forever, name=f"mockmpu-server-{self.port}", daemon=True
        )
        self._thread.start()
        return self

    def shutdown(self) -> None:
        """Stop serving and close the socket (waits for the serving loop to end)."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()
