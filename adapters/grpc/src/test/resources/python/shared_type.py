# Two workers register the same agent type; the agentbus host (multipleWorkersPerType) places each
# key on one of them.
import asyncio
import sys
from dataclasses import dataclass

from autogen_core import MessageContext, RoutedAgent, message_handler, try_get_known_serializers_for_type
from autogen_ext.runtimes.grpc import GrpcWorkerAgentRuntime


@dataclass
class Who:
    n: int


@dataclass
class Me:
    worker: str


class Shared(RoutedAgent):
    def __init__(self, worker: str) -> None:
        super().__init__("shared")
        self._worker = worker

    @message_handler
    async def on_who(self, message: Who, ctx: MessageContext) -> Me:
        return Me(worker=self._worker)


async def main(address: str) -> None:
    workers = []
    for name in ("w1", "w2"):
        w = GrpcWorkerAgentRuntime(host_address=address)
        w.add_message_serializer(try_get_known_serializers_for_type(Who))
        w.add_message_serializer(try_get_known_serializers_for_type(Me))
        await w.start()
        await Shared.register(w, "shared", lambda name=name: Shared(name))
        workers.append(w)
    print("READY", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    for w in workers:
        await w.stop()
    print("DONE", flush=True)


asyncio.run(main(sys.argv[1]))
