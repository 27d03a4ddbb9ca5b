# What the Python side of AutoGen's cross-language sample (python/samples/core_xlang_hello_python_agent)
# does (written for this test): a worker speaking protobuf registers HelloAgent (a user proxy) on
# the default topic and the sample's four topic types, publishes agents.NewMessageReceived to
# HelloTopic and agents.Output to agents.Output; the proxy reports every Output it gets. The
# sample's generated agent_events_pb2 is replaced by the same message types built at run time.
import asyncio
import sys
from typing import Any, Union

from autogen_core import (PROTOBUF_DATA_CONTENT_TYPE, AgentId, DefaultSubscription, DefaultTopicId, MessageContext,
                          RoutedAgent, TypeSubscription, message_handler, try_get_known_serializers_for_type)
from autogen_ext.runtimes.grpc import GrpcWorkerAgentRuntime
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from quiet import report, say, until_quiet


def _message_types() -> dict:
    f = descriptor_pb2.FileDescriptorProto(name="agentbus_test/agent_events.proto", package="agents", syntax="proto3")
    for name, fields in {"NewMessageReceived": ["message"], "Output": ["message"], "Input": ["message"],
                         "ConversationClosed": ["user_id", "user_message"]}.items():
        m = f.message_type.add(name=name)
        for i, field in enumerate(fields, start=1):
            m.field.add(name=field, number=i, type=descriptor_pb2.FieldDescriptorProto.TYPE_STRING,
                        label=descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL)
    pool = descriptor_pool.Default()
    pool.Add(f)
    return {n: message_factory.GetMessageClass(pool.FindMessageTypeByName("agents." + n))
            for n in ("NewMessageReceived", "Output", "Input", "ConversationClosed")}


T = _message_types()
NewMessageReceived, Output, Input, ConversationClosed = T["NewMessageReceived"], T["Output"], T["Input"], T["ConversationClosed"]


class UserProxy(RoutedAgent):
    def __init__(self) -> None:
        super().__init__("A human user.")

    @message_handler
    async def handle_user_chat_input(self, message: Union[ConversationClosed, Input, Output], ctx: MessageContext) -> None:
        if isinstance(message, Output):
            say(f"{self.id} output: {message.message}")

    async def on_unhandled_message(self, message: Any, ctx: MessageContext) -> None:
        say(f"{self.id} unhandled {type(message).DESCRIPTOR.full_name}: {message.message}")


async def main(address: str) -> None:
    runtime = GrpcWorkerAgentRuntime(host_address=address, payload_serialization_format=PROTOBUF_DATA_CONTENT_TYPE)
    await runtime.start()
    runtime.add_message_serializer(try_get_known_serializers_for_type(NewMessageReceived))
    await UserProxy.register(runtime, "HelloAgent", lambda: UserProxy())
    await runtime.add_subscription(DefaultSubscription(agent_type="HelloAgent"))
    for topic in ("HelloTopic", "agents.NewMessageReceived", "agents.ConversationClosed", "agents.Output"):
        await runtime.add_subscription(TypeSubscription(topic_type=topic, agent_type="HelloAgent"))
    print("READY", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)  # the other side is ready
    await runtime.publish_message(NewMessageReceived(message="from Python!"),
                                  topic_id=DefaultTopicId("HelloTopic", "HelloAgents/python"),
                                  sender=AgentId("HelloAgents", "python"))
    await runtime.publish_message(Output(message="^v^v^v---Wild Hello from Python!---^v^v^v"),
                                  topic_id=DefaultTopicId("agents.Output", "HelloAgents"),
                                  sender=AgentId("HelloAgents", "python"))
    await until_quiet()
    await runtime.stop()
    report()


asyncio.run(main(sys.argv[1]))
