"""Responses handed to the WSGI server whole, as a list of one bytes object.

An ordinary Django response is an iterable object, and WSGI servers treat any iterable but a
list as a stream: granian then writes it chunk by chunk while holding the GIL (py-spy with
--native: 13% of a web process's GIL time on the confirmation page went to write(2) there). A
list is written by the server on its own, without the GIL. The response's body is already in
memory, so nothing is lost by handing it over whole; it is closed here (which sends Django's
request_finished), as the server would have closed it after the last chunk. Streaming responses
(exports, files) pass through as they are.
"""

from collections.abc import Callable, Iterable

from django.http.response import HttpResponseBase

WSGIApplication = Callable[[dict, Callable], Iterable[bytes]]


def whole_bodies(application: WSGIApplication) -> WSGIApplication:
    def whole(environ: dict, start_response: Callable) -> Iterable[bytes]:
        response = application(environ, start_response)
        if not isinstance(response, HttpResponseBase) or response.streaming:
            return response
        try:
            return [response.content]  # type: ignore[attr-defined]
        finally:
            response.close()

    return whole
