# Trace context JVM -> Python -> JVM through the bridge: an unmodified AutoGen worker, given an
# OpenTelemetry SDK tracer provider (GrpcWorkerAgentRuntime's own tracer_provider argument), whose
# agent, asked by a JVM agent, asks another JVM agent. AutoGen 0.7.5 starts a new trace for each
# message it receives and *links* it to the sender's span (autogen_core/_telemetry/_tracing.py:
# "context = None  # TODO"); its outgoing RPC carries its own trace context in the RPC metadata.
# On a line on stdin it prints its spans (name, trace, span, parent, linked traces) as one JSON line.
import asyncio
import json
import sys
from dataclasses import dataclass

from autogen_core import AgentId, MessageContext, RoutedAgent, message_handler, try_get_known_serializers_for_type
from autogen_ext.runtimes.grpc import GrpcWorkerAgentRuntime
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


@dataclass
class Relay:
    text: str


class PyRelay(RoutedAgent):
    def __init__(self) -> None:
        super().__init__("python relay")

    @message_handler
    async def on_relay(self, message: Relay, ctx: MessageContext) -> Relay:
        answer = await self.send_message(Relay(text=message.text + ">py"), AgentId("jvmend", "k"))
        return Relay(text=answer.text)


async def main(address: str) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    worker = GrpcWorkerAgentRuntime(host_address=address, tracer_provider=provider)
    worker.add_message_serializer(try_get_known_serializers_for_type(Relay))
    await worker.start()
    await PyRelay.register(worker, "pyrelay", lambda: PyRelay())
    print("READY", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    spans = [{
        "name": s.name,
        "trace": format(s.context.trace_id, "032x"),
        "span": format(s.context.span_id, "016x"),
        "parent": format(s.parent.span_id, "016x") if s.parent else "",
        "links": [format(link.context.trace_id, "032x") for link in s.links],
    } for s in exporter.get_finished_spans()]
    print("SPANS " + json.dumps(spans), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    await worker.stop()


asyncio.run(main(sys.argv[1]))
