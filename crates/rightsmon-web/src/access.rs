//! Access rules: every route declares who may call it, and there is no other way to add one.
//!
//! [`Routes`] is the only way the router gets routes; each comes with an [`Access`] rule that a
//! layer enforces before the handler runs, and the table of rules can be listed (and is, in a
//! test). A path that is not in the table is not found: the default is deny.

use crate::WebState;
use crate::context::Ctx;
use crate::error::WebError;
use axum::Router;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::IntoResponse;
use axum::routing::MethodRouter;
use rightsmon_app::AppError;
use rightsmon_domain::access::Permission;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not. Handlers still filter what they return by the actor.
    Public,
    /// Any signed-in user.
    SignedIn,
    /// Network coordinators only.
    NetworkCoordinator,
}

impl Access {
    fn check(self, ctx: &Ctx) -> Result<(), WebError> {
        match self {
            Access::Public => Ok(()),
            Access::SignedIn if ctx.actor.is_signed_in() => Ok(()),
            Access::NetworkCoordinator if ctx.actor.may(Permission::ManageNetwork) => Ok(()),
            Access::SignedIn | Access::NetworkCoordinator if !ctx.actor.is_signed_in() => Err(WebError::App(AppError::Unauthenticated)),
            _ => Err(WebError::App(AppError::Forbidden)),
        }
    }
}

/// One entry of the route table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteRule {
    pub path: &'static str,
    pub methods: &'static str,
    pub access: Access,
}

/// Routes with their access rules.
pub struct Routes {
    router: Router<WebState>,
    table: Vec<RouteRule>,
}

impl Routes {
    pub fn new() -> Self {
        Self { router: Router::new(), table: Vec::new() }
    }

    /// Adds a route; `methods` names the methods it answers, for the table.
    pub fn route(mut self, path: &'static str, methods: &'static str, access: Access, handler: MethodRouter<WebState>) -> Self {
        let guarded = handler.route_layer(axum::middleware::from_fn(move |request: Request, next: Next| async move {
            let Some(ctx) = request.extensions().get::<Ctx>() else {
                return WebError::App(AppError::Internal(anyhow::anyhow!("no request context"))).into_response();
            };
            match access.check(ctx) {
                Ok(()) => next.run(request).await,
                Err(error) => error.into_response(),
            }
        }));
        self.router = self.router.route(path, guarded);
        self.table.push(RouteRule { path, methods, access });
        self
    }

    pub fn table(&self) -> &[RouteRule] {
        &self.table
    }

    pub fn into_parts(self) -> (Router<WebState>, Vec<RouteRule>) {
        (self.router, self.table)
    }
}

impl Default for Routes {
    fn default() -> Self {
        Self::new()
    }
}
