# AutoGen's own host (autogen-ext[grpc]), to compare with: prints READY, runs until stdin closes.
import asyncio
import sys

from autogen_ext.runtimes.grpc import GrpcWorkerAgentRuntimeHost


async def main(address: str) -> None:
    host = GrpcWorkerAgentRuntimeHost(address=address)
    host.start()
    print("READY", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await host.stop()


asyncio.run(main(sys.argv[1]))
