# An unmodified AutoGen worker (autogen-ext[grpc]) for the dashboard test: registers the agent type
# "ticker" subscribed to the topic "ticks", prints READY, then publishes a Tick there RATE times a
# second until its standard input closes. Usage: python ticker.py HOST:PORT RATE
import asyncio
import sys
from dataclasses import dataclass

from autogen_core import (MessageContext, RoutedAgent, TopicId, TypeSubscription, message_handler,
                          try_get_known_serializers_for_type)
from autogen_ext.runtimes.grpc import GrpcWorkerAgentRuntime


@dataclass
class Tick:
    n: int


class Ticker(RoutedAgent):
    def __init__(self) -> None:
        super().__init__("counts the ticks it hears")
        self.heard = 0

    @message_handler
    async def on_tick(self, message: Tick, ctx: MessageContext) -> None:
        self.heard += 1


async def main(address: str, rate: float) -> None:
    worker = GrpcWorkerAgentRuntime(host_address=address)
    worker.add_message_serializer(try_get_known_serializers_for_type(Tick))
    await worker.start()
    await Ticker.register(worker, "ticker", Ticker)
    await worker.add_subscription(TypeSubscription(topic_type="ticks", agent_type="ticker"))
    print("READY", flush=True)
    stdin_closed = asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    n = 0
    loop = asyncio.get_running_loop()
    start = loop.time()
    while not stdin_closed.done():
        await worker.publish_message(Tick(n), TopicId("ticks", "default"))
        n += 1
        await asyncio.sleep(max(0.0, start + n / rate - loop.time()))
    await worker.stop()


asyncio.run(main(sys.argv[1], float(sys.argv[2])))
