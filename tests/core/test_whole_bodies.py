"""Responses go to the WSGI server whole (a list, which it writes without the GIL); streams
stay streams, and every response is closed as the server would have closed it."""

import pytest
from django.core import signals
from django.http import HttpResponse, StreamingHttpResponse

from groundswell.core.whole_bodies import whole_bodies


def application_answering(response):
    def application(environ, start_response):
        start_response(f"{response.status_code} OK", list(response.items()))
        return response

    return application


# Closing a response sends request_finished, whose receivers look at the database connection.
pytestmark = pytest.mark.django_db


def test_an_ordinary_response_is_handed_over_whole_and_closed():
    finished = []
    receiver = lambda **kwargs: finished.append(True)  # noqa: E731
    signals.request_finished.connect(receiver)
    try:
        body = whole_bodies(application_answering(HttpResponse("Gracias, Ana")))(
            {}, lambda *a: None
        )
    finally:
        signals.request_finished.disconnect(receiver)

    assert body == [b"Gracias, Ana"]
    assert finished == [True]


def test_a_streaming_response_stays_a_stream_until_the_server_closes_it():
    response = StreamingHttpResponse(iter([b"a,b\\n", b"1,2\\n"]))
    closed = []
    response._resource_closers.append(lambda: closed.append(True))

    body = whole_bodies(application_answering(response))({}, lambda *a: None)

    assert body is response
    assert closed == []
    assert b"".join(body) == b"a,b\\n1,2\\n"
    body.close()
    assert closed == [True]


def test_anything_else_a_wsgi_application_returns_passes_through():
    chunks = iter([b"x"])

    assert whole_bodies(lambda environ, start: chunks)({}, None) is chunks
