# What AutoGen's python/samples/core_grpc_worker_runtime/ cascading sample does (written for this
# test): `cascading.py worker ADDRESS` is run_cascading_worker.py (one worker process, one
# cascading agent type of its own on the default topic, up to three rounds), `cascading.py
# publisher ADDRESS` is run_cascading_publisher.py (an observer reporting every round, and the
# first message). Agent type names are random per worker, as in the sample; the report drops the
# random part, so two runs compare.
import asyncio
import re
import sys
import uuid
from dataclasses import dataclass

from autogen_core import (DefaultTopicId, MessageContext, RoutedAgent, default_subscription, message_handler,
                          try_get_known_serializers_for_type)
from autogen_ext.runtimes.grpc import GrpcWorkerAgentRuntime
from quiet import LINES, say, until_quiet


@dataclass
class CascadingMessage:
    round: int


@dataclass
class ReceiveMessageEvent:
    round: int
    sender: str
    recipient: str


@default_subscription
class CascadingAgent(RoutedAgent):
    def __init__(self, max_rounds: int) -> None:
        super().__init__("A cascading agent.")
        self.max_rounds = max_rounds

    @message_handler
    async def on_new_message(self, message: CascadingMessage, ctx: MessageContext) -> None:
        await self.publish_message(
            ReceiveMessageEvent(round=message.round, sender=str(ctx.sender), recipient=str(self.id)),
            topic_id=DefaultTopicId())
        if message.round == self.max_rounds:
            return
        await self.publish_message(CascadingMessage(round=message.round + 1), topic_id=DefaultTopicId())


@default_subscription
class ObserverAgent(RoutedAgent):
    def __init__(self) -> None:
        super().__init__("An observer agent.")

    @message_handler
    async def on_receive_message(self, message: ReceiveMessageEvent, ctx: MessageContext) -> None:
        say(f"[Round {message.round}]: Message from {message.sender} to {message.recipient}.")


async def worker(address: str) -> None:
    runtime = GrpcWorkerAgentRuntime(host_address=address)
    runtime.add_message_serializer(try_get_known_serializers_for_type(ReceiveMessageEvent))
    await runtime.start()
    agent_type = f"cascading_agent_{uuid.uuid4()}".replace("-", "_")
    await CascadingAgent.register(runtime, agent_type, lambda: CascadingAgent(max_rounds=3))
    print("READY", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    await runtime.stop()


async def publisher(address: str) -> None:
    runtime = GrpcWorkerAgentRuntime(host_address=address)
    runtime.add_message_serializer(try_get_known_serializers_for_type(CascadingMessage))
    await runtime.start()
    await ObserverAgent.register(runtime, "observer_agent", lambda: ObserverAgent())
    await runtime.publish_message(CascadingMessage(round=1), topic_id=DefaultTopicId())
    await until_quiet()
    await runtime.stop()
    for line in LINES:
        print(re.sub(r"cascading_agent_[0-9a-f_]{36}", "cascading_agent", line), flush=True)
    print("DONE", flush=True)


asyncio.run(worker(sys.argv[2]) if sys.argv[1] == "worker" else publisher(sys.argv[2]))
