# A Python AutoGen worker (autogen-ext[grpc], unmodified) calling a JVM agent through the bridge and
# getting a typed reply: the JVM's records Add and Sum travel by their names, so these dataclasses
# are what both sides speak. Usage: python call_calculator.py HOST:PORT  (CalculatorHost on the JVM)
import asyncio
import sys
from dataclasses import dataclass

from autogen_core import AgentId, try_get_known_serializers_for_type
from autogen_ext.runtimes.grpc import GrpcWorkerAgentRuntime


@dataclass
class Add:
    a: int
    b: int


@dataclass
class Sum:
    value: int


async def main(address: str) -> None:
    worker = GrpcWorkerAgentRuntime(host_address=address)
    worker.add_message_serializer(try_get_known_serializers_for_type(Add))
    worker.add_message_serializer(try_get_known_serializers_for_type(Sum))
    await worker.start()
    reply = await worker.send_message(Add(a=2, b=3), AgentId("calculator", "default"))
    print(repr(reply), flush=True)  # Sum(value=5), a Sum, not an UnknownPayload
    await worker.stop()


asyncio.run(main(sys.argv[1]))
