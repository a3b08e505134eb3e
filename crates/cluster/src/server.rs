//! One Flight service shape for both ends: the driver answers actions
//! (registration, heartbeats); an executor answers actions (tasks) and
//! serves record batches (shuffle blocks) through `do_get`. The calls
//! Flight has beyond those are refused.

use crate::protocol::MAX_MESSAGE_BYTES;
use arrow_flight::flight_service_server::{FlightService, FlightServiceServer};
use arrow_flight::{
    Action, ActionType, Criteria, Empty, FlightData, FlightDescriptor, FlightInfo,
    HandshakeRequest, HandshakeResponse, PollInfo, PutResult, SchemaResult, Ticket,
};
use futures_util::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt};
use std::sync::Arc;
use tonic::{Request, Response, Status, Streaming};

/// What a process serves to its peers.
pub(crate) trait Endpoint: Send + Sync + 'static {
    /// Answers action `name`: a stream of message bodies.
    fn action(&self, name: &str, body: Vec<u8>) -> BoxStream<'static, Result<Vec<u8>, Status>>;

    /// The Arrow IPC streams `ticket` names, each sent as one message's
    /// body as it is (Ballista sends shuffle files raw the same way).
    fn get(&self, ticket: Vec<u8>) -> Result<BoxStream<'static, Result<Vec<u8>, Status>>, Status>;
}

struct Service<E>(Arc<E>);

type Refused<T> = BoxStream<'static, Result<T, Status>>;

fn refused<T>() -> Result<Response<T>, Status> {
    Err(Status::unimplemented(
        "not a call of Shark's cluster service",
    ))
}

#[tonic::async_trait]
impl<E: Endpoint> FlightService for Service<E> {
    type HandshakeStream = Refused<HandshakeResponse>;
    type ListFlightsStream = Refused<FlightInfo>;
    type DoGetStream = BoxStream<'static, Result<FlightData, Status>>;
    type DoPutStream = Refused<PutResult>;
    type DoExchangeStream = Refused<FlightData>;
    type DoActionStream = BoxStream<'static, Result<arrow_flight::Result, Status>>;
    type ListActionsStream = Refused<ActionType>;

    async fn handshake(
        &self,
        _: Request<Streaming<HandshakeRequest>>,
    ) -> Result<Response<Self::HandshakeStream>, Status> {
        refused()
    }
    async fn list_flights(
        &self,
        _: Request<Criteria>,
    ) -> Result<Response<Self::ListFlightsStream>, Status> {
        refused()
    }
    async fn get_flight_info(
        &self,
        _: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        refused()
    }
    async fn poll_flight_info(
        &self,
        _: Request<FlightDescriptor>,
    ) -> Result<Response<PollInfo>, Status> {
        refused()
    }
    async fn get_schema(
        &self,
        _: Request<FlightDescriptor>,
    ) -> Result<Response<SchemaResult>, Status> {
        refused()
    }
    async fn do_get(
        &self,
        request: Request<Ticket>,
    ) -> Result<Response<Self::DoGetStream>, Status> {
        let streams = self.0.get(request.into_inner().ticket.to_vec())?;
        let data = streams.map_ok(|ipc| FlightData {
            data_body: ipc.into(),
            ..Default::default()
        });
        Ok(Response::new(data.boxed()))
    }
    async fn do_put(
        &self,
        _: Request<Streaming<FlightData>>,
    ) -> Result<Response<Self::DoPutStream>, Status> {
        refused()
    }
    async fn do_exchange(
        &self,
        _: Request<Streaming<FlightData>>,
    ) -> Result<Response<Self::DoExchangeStream>, Status> {
        refused()
    }
    async fn do_action(
        &self,
        request: Request<Action>,
    ) -> Result<Response<Self::DoActionStream>, Status> {
        let action = request.into_inner();
        let answers = self
            .0
            .action(&action.r#type, action.body.to_vec())
            .map_ok(|body| arrow_flight::Result { body: body.into() });
        Ok(Response::new(answers.boxed()))
    }
    async fn list_actions(
        &self,
        _: Request<Empty>,
    ) -> Result<Response<Self::ListActionsStream>, Status> {
        refused()
    }
}

/// Serves `endpoint` on `listener` until `shutdown` resolves.
pub(crate) async fn serve<E: Endpoint>(
    endpoint: Arc<E>,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let service = FlightServiceServer::new(Service(endpoint))
        .max_decoding_message_size(MAX_MESSAGE_BYTES)
        .max_encoding_message_size(MAX_MESSAGE_BYTES);
    tonic::transport::Server::builder()
        .add_service(service)
        .serve_with_incoming_shutdown(
            tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true)),
            shutdown,
        )
        .await
        .map_err(|e| format!("cluster service: {e}"))
}

/// One answer, as an action stream.
pub(crate) fn once(answer: Result<Vec<u8>, Status>) -> BoxStream<'static, Result<Vec<u8>, Status>> {
    futures_util::stream::once(async move { answer }).boxed()
}
