# One worker stays connected while another worker of the same process (same HTTP/2 connection)
# starts and stops many times; afterwards the first still receives what the JVM publishes.
import asyncio
import sys
import time
from dataclasses import dataclass

from autogen_core import MessageContext, RoutedAgent, TypeSubscription, message_handler
from autogen_ext.runtimes.grpc import GrpcWorkerAgentRuntime


@dataclass
class Ping:
    n: int


received = []


class Stayer(RoutedAgent):
    def __init__(self) -> None:
        super().__init__("stays")

    @message_handler
    async def on_ping(self, message: Ping, ctx: MessageContext) -> None:
        received.append(message.n)


class Churner(RoutedAgent):
    def __init__(self) -> None:
        super().__init__("comes and goes")

    @message_handler
    async def on_ping(self, message: Ping, ctx: MessageContext) -> None:
        pass


async def main(address: str, cycles: int) -> None:
    stayer = GrpcWorkerAgentRuntime(host_address=address)
    await stayer.start()
    await Stayer.register(stayer, "stayer", lambda: Stayer())
    await stayer.add_subscription(TypeSubscription(topic_type="churn", agent_type="stayer"))
    t0 = time.monotonic()
    for i in range(cycles):
        w = GrpcWorkerAgentRuntime(host_address=address)
        await w.start()
        await Churner.register(w, "churner", lambda: Churner())
        await w.stop()
    print(f"CYCLED {cycles} in {time.monotonic() - t0:.1f} s", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)  # the JVM publishes, then says so
    for _ in range(100):
        if received:
            break
        await asyncio.sleep(0.1)
    print(f"RECEIVED {len(received)}", flush=True)
    await stayer.stop()
    print("DONE", flush=True)


asyncio.run(main(sys.argv[1], int(sys.argv[2])))
