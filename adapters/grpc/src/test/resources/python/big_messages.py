# Big messages through the bridge from an unmodified AutoGen worker: a 1 MiB and a 3.9 MiB RPC to a
# JVM agent are answered; a 5 MiB one is refused alone (the worker sees an error) and the worker's
# channel stays open (a small RPC after it is answered). Prints one line per outcome.
import asyncio
import sys
from dataclasses import dataclass

from autogen_core import AgentId, try_get_known_serializers_for_type
from autogen_ext.runtimes.grpc import GrpcWorkerAgentRuntime


@dataclass
class Blob:
    data: str


@dataclass
class Size:
    value: int


async def main(address: str) -> None:
    # grpc's own client limits: unlimited sends, 4 MiB receives (AutoGen's defaults)
    worker = GrpcWorkerAgentRuntime(host_address=address)
    worker.add_message_serializer(try_get_known_serializers_for_type(Blob))
    worker.add_message_serializer(try_get_known_serializers_for_type(Size))
    await worker.start()
    target = AgentId("measure", "k")
    for label, n in (("1MiB", 1024 * 1024), ("3.9MiB", int(3.9 * 1024 * 1024)), ("5MiB", 5 * 1024 * 1024),
                     ("after", 10)):
        try:
            reply = await asyncio.wait_for(worker.send_message(Blob(data="x" * n), target), 30)
            print(f"{label} OK {reply.value}", flush=True)
        except Exception as e:  # noqa: BLE001 - the outcome is what we print
            print(f"{label} ERROR {type(e).__name__}: {str(e)[:200]}", flush=True)
    await worker.stop()
    print("DONE", flush=True)


asyncio.run(main(sys.argv[1]))
