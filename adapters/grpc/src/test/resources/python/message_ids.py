# A worker publishes with its own message id; an agent of another worker (same process) and a JVM
# agent must see that id as ctx.message_id / MessageContext.messageId.
import asyncio
import sys
from dataclasses import dataclass

from autogen_core import MessageContext, RoutedAgent, TopicId, TypeSubscription, message_handler, try_get_known_serializers_for_type
from autogen_ext.runtimes.grpc import GrpcWorkerAgentRuntime


@dataclass
class Note:
    text: str


seen = []


class Reader(RoutedAgent):
    def __init__(self) -> None:
        super().__init__("reader")

    @message_handler
    async def on_note(self, message: Note, ctx: MessageContext) -> None:
        seen.append(ctx.message_id)


async def main(address: str) -> None:
    reader = GrpcWorkerAgentRuntime(host_address=address)
    await reader.start()
    await Reader.register(reader, "reader", lambda: Reader())
    await reader.add_subscription(TypeSubscription(topic_type="notes", agent_type="reader"))
    writer = GrpcWorkerAgentRuntime(host_address=address)
    writer.add_message_serializer(try_get_known_serializers_for_type(Note))
    await writer.start()
    print("READY", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)  # the JVM subscribed
    await writer.publish_message(Note(text="hello"), TopicId("notes", "s"), message_id="publisher-chosen-id-42")
    for _ in range(100):
        if seen:
            break
        await asyncio.sleep(0.05)
    print("SEEN " + " ".join(seen), flush=True)
    await writer.stop()
    await reader.stop()
    print("DONE", flush=True)


asyncio.run(main(sys.argv[1]))
