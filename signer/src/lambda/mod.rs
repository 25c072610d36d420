//! `kmsjwt lambda`: the signing service inside AWS Lambda, through `lambda_runtime`.
//!
//! One function answers two kinds of events with the same [`TokenService`]:
//! - Function URL, API Gateway (REST and HTTP APIs) and ALB events, recognised by their
//!   `requestContext`: converted by `lambda_http` and answered by the same axum router as
//!   `kmsjwt serve` (API keys, policies, limits, error bodies and statuses all the same).
//! - Anything else is a direct invoke (`aws lambda invoke`, an SDK `Invoke`), authorised by
//!   IAM (`lambda:InvokeFunction`): `{claims, ttl?, audience?}` -> `{token, expires_at, kid}`
//!   under the policy of the client named by `lambda.invoke_client`. A refusal is a function
//!   error whose `errorType` is the stable code (`ERR_CLAIM_FORBIDDEN`, ...).

use std::sync::Arc;

use axum::Router;
use lambda_http::request::{LambdaRequest, RequestContext};
use lambda_http::{Adapter, Context};
use lambda_runtime::{Diagnostic, LambdaEvent, service_fn};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use tower::ServiceExt;

use crate::serve::error::ApiError;
use crate::serve::policy::TokenRequest;
use crate::serve::routes;
use crate::serve::service::TokenService;

/// Environment variables Lambda sets and `lambda_runtime` requires (it panics without them;
/// here their absence is a clear error instead).
const REQUIRED_ENV: &[&str] = &[
    "AWS_LAMBDA_RUNTIME_API",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
];

/// The Lambda environment variables that are missing or unusable, in words; empty when
/// `lambda_runtime` can start.
pub fn missing_environment() -> Vec<String> {
    let mut problems: Vec<String> = REQUIRED_ENV
        .iter()
        .filter(|name| std::env::var(name).map_or(true, |value| value.is_empty()))
        .map(|name| format!("{name} is not set"))
        .collect();
    if let Ok(memory) = std::env::var("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        && !memory.is_empty()
        && memory.parse::<i32>().is_err()
    {
        problems.push(format!(
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE={memory:?} is not a number"
        ));
    }
    problems
}

/// Polls the Lambda Runtime API for events until the runtime stops. Call
/// [`missing_environment`] first.
pub async fn run(service: Arc<TokenService>) -> Result<(), lambda_runtime::Error> {
    let router = routes::router(Arc::clone(&service));
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Box<RawValue>>| {
        let service = Arc::clone(&service);
        let router = router.clone();
        async move { handle(&service, router, event).await }
    }))
    .await
}

/// One event: an HTTP event through the router, anything else as a direct invoke.
pub async fn handle(
    service: &TokenService,
    router: Router,
    event: LambdaEvent<Box<RawValue>>,
) -> Result<Value, Diagnostic> {
    let LambdaEvent { payload, context } = event;
    let parsed: Value = serde_json::from_str(payload.get()).map_err(|error| {
        diagnostic(&ApiError::invalid(format!(
            "the event is not JSON: {error}"
        )))
    })?;
    match parsed {
        Value::Object(object) if object.contains_key("requestContext") => {
            http_event(payload.get(), router, context).await
        }
        Value::Object(object) => direct_invoke(service, object).await,
        other => {
            let error = ApiError::invalid(format!(
                "a direct invoke takes a JSON object {{claims, ttl?, audience?}}, not {other}"
            ));
            service.metrics().error(error.code);
            Err(diagnostic(&error))
        }
    }
}

async fn http_event(payload: &str, router: Router, context: Context) -> Result<Value, Diagnostic> {
    let request: LambdaRequest = serde_json::from_str(payload).map_err(|error| {
        diagnostic(&ApiError::invalid(format!(
            "the event has a requestContext but is not a Function URL, API Gateway or ALB \
             event: {error}"
        )))
    })?;
    let service = tower::service_fn(move |mut request: lambda_http::Request| {
        let router = router.clone();
        async move {
            strip_stage(&mut request);
            router.oneshot(request).await
        }
    });
    let adapter: Adapter<'_, _, _> = Adapter::from(service);
    let response = match adapter.oneshot(LambdaEvent::new(request, context)).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    serde_json::to_value(response).map_err(|error| Diagnostic {
        error_type: "ERR_INTERNAL".to_owned(),
        error_message: format!("the HTTP response could not be encoded: {error}"),
    })
}

async fn direct_invoke(
    service: &TokenService,
    object: Map<String, Value>,
) -> Result<Value, Diagnostic> {
    let deadline = service.deadline();
    let result = async {
        let client = service.lambda_client()?;
        let request = TokenRequest::from_object(object)?;
        service.issue(client, request, deadline).await
    }
    .await;
    let metrics = service.metrics();
    match result {
        Ok(issued) => {
            metrics.request("invoke", 200);
            Ok(issued.to_json())
        }
        Err(error) => {
            metrics.request("invoke", error.status.as_u16());
            metrics.error(error.code);
            tracing::info!(code = error.code, "direct invoke refused");
            Err(diagnostic(&error))
        }
    }
}

/// API Gateway with a named stage (`prod`) puts the stage in front of the path that
/// `lambda_http` builds (`/prod/v1/tokens`); the routes are the same on every stage, so it is
/// taken off again. Function URLs and `$default` stages have no such prefix.
fn strip_stage(request: &mut lambda_http::Request) {
    let stage = match request.extensions().get::<RequestContext>() {
        Some(RequestContext::ApiGatewayV1(context)) => context.stage.clone(),
        Some(RequestContext::ApiGatewayV2(context)) => context.stage.clone(),
        _ => None,
    };
    let Some(stage) = stage.filter(|stage| !stage.is_empty() && stage != "$default") else {
        return;
    };
    let uri = request.uri();
    let Some(rest) = uri.path().strip_prefix(&format!("/{stage}")) else {
        return;
    };
    if !(rest.is_empty() || rest.starts_with('/')) {
        return;
    }
    let path = if rest.is_empty() { "/" } else { rest };
    let path_and_query = match uri.query() {
        Some(query) => format!("{path}?{query}"),
        None => path.to_owned(),
    };
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = path_and_query.parse().ok();
    if let Ok(stripped) = axum::http::Uri::from_parts(parts) {
        *request.uri_mut() = stripped;
    }
}

/// A refusal as a Lambda function error: `errorType` is the stable code.
fn diagnostic(error: &ApiError) -> Diagnostic {
    Diagnostic {
        error_type: error.code.to_owned(),
        error_message: error.message.clone(),
    }
}

#[cfg(test)]
mod tests {
    use lambda_http::aws_lambda_events::apigw::{
        ApiGatewayProxyRequestContext, ApiGatewayV2httpRequestContext,
    };

    use super::*;

    fn request(path: &str, context: Option<RequestContext>) -> lambda_http::Request {
        let mut request = lambda_http::Request::new(lambda_http::Body::Empty);
        *request.uri_mut() = path.parse().unwrap();
        if let Some(context) = context {
            request.extensions_mut().insert(context);
        }
        request
    }

    fn v1(stage: &str) -> Option<RequestContext> {
        let mut context = ApiGatewayProxyRequestContext::default();
        context.stage = Some(stage.to_owned());
        Some(RequestContext::ApiGatewayV1(context))
    }

    #[test]
    fn a_named_stage_is_taken_off_the_path() {
        let cases = [
            ("/prod/v1/tokens?x=1", v1("prod"), "/v1/tokens?x=1"),
            ("/prod", v1("prod"), "/"),
            // Not the stage: a path that merely starts with its letters.
            ("/production/v1/tokens", v1("prod"), "/production/v1/tokens"),
            ("/v1/tokens", v1("$default"), "/v1/tokens"),
            ("/v1/tokens", None, "/v1/tokens"),
        ];
        for (path, context, expected) in cases {
            let mut request = request(path, context);
            strip_stage(&mut request);
            assert_eq!(request.uri().to_string(), expected, "{path}");
        }
        let mut context = ApiGatewayV2httpRequestContext::default();
        context.stage = Some("beta".to_owned());
        let mut request = request("/beta/healthz", Some(RequestContext::ApiGatewayV2(context)));
        strip_stage(&mut request);
        assert_eq!(request.uri().path(), "/healthz");
    }
}
