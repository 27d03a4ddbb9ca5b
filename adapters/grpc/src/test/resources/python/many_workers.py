# Many workers in one Python process (they share one HTTP/2 connection to the host): each registers
# a type and subscribes to a topic; the JVM side publishes once and every worker must receive it.
import asyncio
import sys
from dataclasses import dataclass

from autogen_core import MessageContext, RoutedAgent, TypeSubscription, message_handler
from autogen_ext.runtimes.grpc import GrpcWorkerAgentRuntime


@dataclass
class Ping:
    n: int


received = set()


class Listener(RoutedAgent):
    def __init__(self, index: int) -> None:
        super().__init__("listener")
        self._index = index

    @message_handler
    async def on_ping(self, message: Ping, ctx: MessageContext) -> None:
        received.add(self._index)


async def main(address: str, count: int) -> None:
    workers = []
    for i in range(count):
        w = GrpcWorkerAgentRuntime(host_address=address)
        await w.start()
        await Listener.register(w, f"listener{i}", lambda i=i: Listener(i))
        await w.add_subscription(TypeSubscription(topic_type="broadcast", agent_type=f"listener{i}"))
        workers.append(w)
    print(f"REGISTERED {len(workers)}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)  # the JVM publishes, then says so
    for _ in range(100):
        if len(received) == count:
            break
        await asyncio.sleep(0.1)
    print(f"RECEIVED {len(received)}", flush=True)
    for w in workers:
        await w.stop()
    print("DONE", flush=True)


asyncio.run(main(sys.argv[1], int(sys.argv[2])))
