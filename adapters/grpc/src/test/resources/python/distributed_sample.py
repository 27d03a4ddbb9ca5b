# AutoGen's documented distributed-runtime sample, unchanged but for the host address taken from
# argv (the documentation uses "localhost:50051").
import asyncio
import sys
from dataclasses import dataclass

from autogen_core import DefaultTopicId, MessageContext, RoutedAgent, default_subscription, message_handler
from autogen_ext.runtimes.grpc import GrpcWorkerAgentRuntime


@dataclass
class MyMessage:
    content: str


@default_subscription
class MyAgent(RoutedAgent):
    def __init__(self, name: str) -> None:
        super().__init__("My agent")
        self._name = name
        self._counter = 0

    @message_handler
    async def my_message_handler(self, message: MyMessage, ctx: MessageContext) -> None:
        self._counter += 1
        if self._counter > 5:
            return
        content = f"{self._name}: Hello x {self._counter}"
        print(content, flush=True)
        await self.publish_message(MyMessage(content=content), DefaultTopicId())


async def main(address: str) -> None:
    worker1 = GrpcWorkerAgentRuntime(host_address=address)
    await worker1.start()
    await MyAgent.register(worker1, "worker1", lambda: MyAgent("worker1"))

    worker2 = GrpcWorkerAgentRuntime(host_address=address)
    await worker2.start()
    await MyAgent.register(worker2, "worker2", lambda: MyAgent("worker2"))

    await worker2.publish_message(MyMessage(content="Hello!"), DefaultTopicId())

    # Let the agents run for a while.
    await asyncio.sleep(5)

    await worker1.stop()
    await worker2.stop()
    print("DONE", flush=True)


asyncio.run(main(sys.argv[1]))
