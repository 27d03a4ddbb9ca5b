# The same AutoGen workers against any host: sequential RPC latency, concurrent RPC throughput and
# publish throughput. Prints one JSON line of results.
import asyncio
import json
import sys
import time
from dataclasses import dataclass

from autogen_core import (AgentId, DefaultTopicId, MessageContext, RoutedAgent, default_subscription, message_handler,
                          try_get_known_serializers_for_type)
from autogen_ext.runtimes.grpc import GrpcWorkerAgentRuntime


@dataclass
class Ping:
    n: int


@dataclass
class Pong:
    n: int


@dataclass
class Tick:
    n: int


RECEIVED = 0


class Echo(RoutedAgent):
    def __init__(self) -> None:
        super().__init__("echo")

    @message_handler
    async def on_ping(self, message: Ping, ctx: MessageContext) -> Pong:
        return Pong(n=message.n)


@default_subscription
class Counter(RoutedAgent):
    def __init__(self) -> None:
        super().__init__("counter")

    @message_handler
    async def on_tick(self, message: Tick, ctx: MessageContext) -> None:
        global RECEIVED
        RECEIVED += 1


async def main(address: str, n: int) -> None:
    serve = GrpcWorkerAgentRuntime(host_address=address)
    call = GrpcWorkerAgentRuntime(host_address=address)
    for w in (serve, call):
        for t in (Ping, Pong, Tick):
            w.add_message_serializer(try_get_known_serializers_for_type(t))
        await w.start()
    await Echo.register(serve, "echo", lambda: Echo())
    await Counter.register(serve, "counter", lambda: Counter())
    target = AgentId("echo", "k")
    for i in range(200):  # warm-up
        await call.send_message(Ping(n=i), target)

    samples = []
    for i in range(n):
        t0 = time.perf_counter()
        await call.send_message(Ping(n=i), target)
        samples.append(time.perf_counter() - t0)
    samples.sort()

    t0 = time.perf_counter()
    for start in range(0, n, 50):
        await asyncio.gather(*[call.send_message(Ping(n=i), target) for i in range(start, min(n, start + 50))])
    rpc_rate = n / (time.perf_counter() - t0)

    t0 = time.perf_counter()
    for i in range(n):
        await call.publish_message(Tick(n=i), DefaultTopicId())
    while RECEIVED < n and time.perf_counter() - t0 < 120:
        await asyncio.sleep(0.005)
    pub_rate = RECEIVED / (time.perf_counter() - t0)

    print(json.dumps({"rpc_p50_ms": samples[len(samples) // 2] * 1e3, "rpc_p99_ms": samples[int(len(samples) * 0.99)] * 1e3,
                      "rpc_per_s": rpc_rate, "publish_per_s": pub_rate, "received": RECEIVED}), flush=True)
    await call.stop()
    await serve.stop()


asyncio.run(main(sys.argv[1], int(sys.argv[2])))
