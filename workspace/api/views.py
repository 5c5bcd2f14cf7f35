"""Ingest API endpoints (JSON, connector key) and their documentation pages."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from workspace.api.bodies import ingest_envelope
from workspace.api.docs import docs_context
from workspace.api.guard import ApiAnswer, ApiCall, api_endpoint
from workspace.api.openapi import openapi_document
from workspace.services.ingest import engagement_attributes_ingest
from workspace.services.ingest_conversations import conversation_feed


@api_endpoint
def engagement_attributes(call: ApiCall) -> ApiAnswer:
    envelope = ingest_envelope(call.document, call.request.GET, now=call.now)
    result = engagement_attributes_ingest(
        connector=call.connector,
        raw_sdes=envelope.raw_sdes,
        visitor_id=envelope.visitor_id,
        conversation_id=envelope.conversation_id,
        occurred_at=envelope.occurred_at,
        path=envelope.path,
        now=call.now,
    )
    body = {
        "visitorId": result.visitor.external_id if result.visitor else envelope.visitor_id,
        "conversationId": result.conversation.external_id if result.conversation else None,
        "events": [item.as_json() for item in result.stored],
        "warnings": [problem.as_json() for problem in envelope.warnings + result.warnings],
    }
    return ApiAnswer(201 if result.created_any else 200, body)


@api_endpoint
def conversations(call: ApiCall) -> ApiAnswer:
    result = conversation_feed(raw=call.document, now=call.now)
    return ApiAnswer(201 if result.created else 200, result.as_json())


@require_GET
@login_not_required
def openapi_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse(openapi_document(), json_dumps_params={"indent": 2})


@require_GET
@login_not_required
def api_docs(request: HttpRequest) -> HttpResponse:
    return render(request, "workspace/api_docs.html", docs_context(request))
