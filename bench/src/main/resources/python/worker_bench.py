# The same AutoGen workers against any host: sequential RPC latency, concurrent RPC throughput and
# publish throughput, each after a warm-up (the JVM host compiles its hot paths in the first
# thousands of messages; AutoGen's host has nothing to warm). With the host's process id it also
# measures the CPU time the host and this worker spend per message in each phase (from /proc).
# Prints one JSON line of results.
import asyncio
import json
import os
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
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    if pid <= 0:
        return 0.0
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


class Phase:
    """Wall time, the host's CPU and this worker's CPU over one phase."""

    def __init__(self, host_pid: int) -> None:
        self.host_pid = host_pid
        self.wall = time.perf_counter()
        self.host = cpu_seconds(host_pid)
        self.own = time.process_time()

    def done(self, messages: int, name: str, out: dict) -> float:
        wall = time.perf_counter() - self.wall
        if self.host_pid > 0:
            out[name + "_host_cpu_us"] = (cpu_seconds(self.host_pid) - self.host) * 1e6 / messages
        out[name + "_worker_cpu_us"] = (time.process_time() - self.own) * 1e6 / messages
        return wall


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


async def concurrent_rpcs(call: GrpcWorkerAgentRuntime, target: AgentId, n: int) -> None:
    for start in range(0, n, 50):
        await asyncio.gather(*[call.send_message(Ping(n=i), target) for i in range(start, min(n, start + 50))])


async def publishes(call: GrpcWorkerAgentRuntime, n: int) -> None:
    global RECEIVED
    RECEIVED = 0
    t0 = time.perf_counter()
    for i in range(n):
        await call.publish_message(Tick(n=i), DefaultTopicId())
    while RECEIVED < n and time.perf_counter() - t0 < 120:
        await asyncio.sleep(0.005)


async def main(address: str, n: int, warmup: int, host_pid: int) -> None:
    serve = GrpcWorkerAgentRuntime(host_address=address)
    call = GrpcWorkerAgentRuntime(host_address=address)
    for w in (serve, call):
        for t in (Ping, Pong, Tick):
            w.add_message_serializer(try_get_known_serializers_for_type(t))
        await w.start()
    await Echo.register(serve, "echo", lambda: Echo())
    await Counter.register(serve, "counter", lambda: Counter())
    target = AgentId("echo", "k")
    for i in range(warmup):
        await call.send_message(Ping(n=i), target)
    await concurrent_rpcs(call, target, warmup)
    await publishes(call, warmup)

    out: dict = {}
    samples = []
    phase = Phase(host_pid)
    for i in range(n):
        t0 = time.perf_counter()
        await call.send_message(Ping(n=i), target)
        samples.append(time.perf_counter() - t0)
    phase.done(n, "rpc_seq", out)
    samples.sort()

    phase = Phase(host_pid)
    await concurrent_rpcs(call, target, n)
    out["rpc_per_s"] = n / phase.done(n, "rpc", out)

    phase = Phase(host_pid)
    await publishes(call, n)
    out["publish_per_s"] = RECEIVED / phase.done(n, "publish", out)
    out.update({"rpc_p50_ms": samples[len(samples) // 2] * 1e3, "rpc_p99_ms": samples[int(len(samples) * 0.99)] * 1e3,
                "received": RECEIVED})
    print(json.dumps(out), flush=True)
    await call.stop()
    await serve.stop()


args = sys.argv[1:]
asyncio.run(main(args[0], int(args[1]), int(args[2]) if len(args) > 2 else 200, int(args[3]) if len(args) > 3 else 0))
