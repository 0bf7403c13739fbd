"""The API's refusals: every one is JSON `{"error": code, "message": sentence}` with its status
(401 no or bad key, 403 scope or organization, 404, 409, 422 bad input, 429 with Retry-After)."""

from django.http import HttpRequest, HttpResponse, JsonResponse


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        detail: object = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.detail = detail


def error_response(
    *,
    status: int,
    code: str,
    message: str,
    headers: dict[str, str] | None = None,
    detail: object = None,
) -> HttpResponse:
    body: dict[str, object] = {"error": code, "message": message}
    if detail is not None:
        body["detail"] = detail
    response = JsonResponse(body, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def api_error_response(request: HttpRequest, error: ApiError) -> HttpResponse:
    return error_response(
        status=error.status,
        code=error.code,
        message=error.message,
        headers=error.headers,
        detail=error.detail,
    )
