# Protobuf payloads across the bridge, as AutoGen's cross-language sample sends them: workers with
# payload_serialization_format=application/x-protobuf publish protobuf messages (proto_data of the
# CloudEvent), another worker and a JVM agent receive them; the JVM publishes one and sends an RPC
# whose request is protobuf (the Python runtime answers RPCs in JSON).
import asyncio
import sys
from dataclasses import dataclass

from autogen_core import (PROTOBUF_DATA_CONTENT_TYPE, MessageContext, RoutedAgent, TopicId, TypeSubscription,
                          message_handler, try_get_known_serializers_for_type)
from autogen_ext.runtimes.grpc import GrpcWorkerAgentRuntime
from google.protobuf.wrappers_pb2 import StringValue


@dataclass
class Ack:
    text: str


seen_by_b = []


class Echo(RoutedAgent):
    def __init__(self) -> None:
        super().__init__("echo")

    @message_handler
    async def on_string(self, message: StringValue, ctx: MessageContext) -> Ack | None:
        if ctx.is_rpc:
            return Ack(text="pong:" + message.value)
        reply = StringValue(value="echo:" + message.value)
        await self.publish_message(reply, TopicId("to_jvm", "s"))
        await self.publish_message(reply, TopicId("to_pyb", "s"))
        return None


class Listener(RoutedAgent):
    def __init__(self) -> None:
        super().__init__("listener")

    @message_handler
    async def on_string(self, message: StringValue, ctx: MessageContext) -> None:
        seen_by_b.append(message.value)


async def main(address: str) -> None:
    a = GrpcWorkerAgentRuntime(host_address=address, payload_serialization_format=PROTOBUF_DATA_CONTENT_TYPE)
    a.add_message_serializer(try_get_known_serializers_for_type(StringValue))
    a.add_message_serializer(try_get_known_serializers_for_type(Ack))
    await a.start()
    await Echo.register(a, "pyecho", lambda: Echo())
    await a.add_subscription(TypeSubscription(topic_type="to_py", agent_type="pyecho"))
    b = GrpcWorkerAgentRuntime(host_address=address, payload_serialization_format=PROTOBUF_DATA_CONTENT_TYPE)
    b.add_message_serializer(try_get_known_serializers_for_type(StringValue))
    await b.start()
    await Listener.register(b, "pyb", lambda: Listener())
    await b.add_subscription(TypeSubscription(topic_type="to_pyb", agent_type="pyb"))
    print("READY", flush=True)
    for _ in range(200):
        if seen_by_b:
            break
        await asyncio.sleep(0.05)
    print("PYB " + " ".join(seen_by_b), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)  # the JVM is done
    await b.stop()
    await a.stop()
    print("DONE", flush=True)


asyncio.run(main(sys.argv[1]))
