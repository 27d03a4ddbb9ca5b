# RPC both ways between an AutoGen Python worker and JVM agents through the agentbus host.
import asyncio
import sys
from dataclasses import dataclass

from autogen_core import AgentId, MessageContext, RoutedAgent, message_handler, try_get_known_serializers_for_type
from autogen_ext.runtimes.grpc import GrpcWorkerAgentRuntime


@dataclass
class Add:
    a: int
    b: int


@dataclass
class Sum:
    value: int


class PyCalc(RoutedAgent):
    def __init__(self) -> None:
        super().__init__("python calculator")

    @message_handler
    async def on_add(self, message: Add, ctx: MessageContext) -> Sum:
        return Sum(value=message.a * 10 + message.b)


async def main(address: str) -> None:
    worker = GrpcWorkerAgentRuntime(host_address=address)
    worker.add_message_serializer(try_get_known_serializers_for_type(Add))
    worker.add_message_serializer(try_get_known_serializers_for_type(Sum))
    await worker.start()
    await PyCalc.register(worker, "pycalc", lambda: PyCalc())

    result = await worker.send_message(Add(a=2, b=3), AgentId("javacalc", "k"))
    print("JAVA_SUM", result.value, flush=True)

    # concurrent requests from one worker: the host rewrites ids, replies reach the right caller
    results = await asyncio.gather(*[worker.send_message(Add(a=i, b=i), AgentId("javacalc", "k" + str(i))) for i in range(5)])
    print("JAVA_SUMS", " ".join(str(r.value) for r in results), flush=True)

    try:
        await asyncio.wait_for(worker.send_message(Add(a=1, b=1), AgentId("nobody", "k")), 10)
        print("UNKNOWN_ANSWERED", flush=True)
    except asyncio.TimeoutError:
        print("UNKNOWN_HANG", flush=True)
    except Exception as e:  # the host answers with an error at once
        print("UNKNOWN_ERROR", str(e).replace("\n", " "), flush=True)

    print("READY", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    await worker.stop()
    print("DONE", flush=True)


asyncio.run(main(sys.argv[1]))
