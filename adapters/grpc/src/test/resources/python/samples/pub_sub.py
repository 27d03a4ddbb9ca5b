# What AutoGen's python/samples/core_grpc_worker_runtime/run_worker_pub_sub.py does (written for this
# test): a greeter and a receiver in one worker, chained by five message types on the default
# topic; every message an agent has no handler for is reported.
import asyncio
import sys
from dataclasses import dataclass
from typing import Any, NoReturn

from autogen_core import (DefaultSubscription, DefaultTopicId, MessageContext, RoutedAgent, message_handler,
                          try_get_known_serializers_for_type)
from autogen_ext.runtimes.grpc import GrpcWorkerAgentRuntime
from quiet import report, say, until_quiet


@dataclass
class AskToGreet:
    content: str


@dataclass
class Greeting:
    content: str


@dataclass
class ReturnedGreeting:
    content: str


@dataclass
class Feedback:
    content: str


@dataclass
class ReturnedFeedback:
    content: str


class ReceiveAgent(RoutedAgent):
    def __init__(self) -> None:
        super().__init__("Receive Agent")

    @message_handler
    async def on_greet(self, message: Greeting, ctx: MessageContext) -> None:
        await self.publish_message(ReturnedGreeting(f"Returned greeting: {message.content}"), topic_id=DefaultTopicId())

    @message_handler
    async def on_feedback(self, message: Feedback, ctx: MessageContext) -> None:
        await self.publish_message(ReturnedFeedback(f"Returned feedback: {message.content}"), topic_id=DefaultTopicId())

    async def on_unhandled_message(self, message: Any, ctx: MessageContext) -> NoReturn:  # type: ignore
        say(f"{self.id.type} unhandled: {message}")


class GreeterAgent(RoutedAgent):
    def __init__(self) -> None:
        super().__init__("Greeter Agent")

    @message_handler
    async def on_ask(self, message: AskToGreet, ctx: MessageContext) -> None:
        await self.publish_message(Greeting(f"Hello, {message.content}!"), topic_id=DefaultTopicId())

    @message_handler
    async def on_returned_greet(self, message: ReturnedGreeting, ctx: MessageContext) -> None:
        await self.publish_message(Feedback(f"Feedback: {message.content}"), topic_id=DefaultTopicId())

    async def on_unhandled_message(self, message: Any, ctx: MessageContext) -> NoReturn:  # type: ignore
        say(f"{self.id.type} unhandled: {message}")


async def main(address: str) -> None:
    runtime = GrpcWorkerAgentRuntime(host_address=address)
    await runtime.start()
    for t in [AskToGreet, Greeting, ReturnedGreeting, Feedback, ReturnedFeedback]:
        runtime.add_message_serializer(try_get_known_serializers_for_type(t))
    await ReceiveAgent.register(runtime, "receiver", ReceiveAgent)
    await runtime.add_subscription(DefaultSubscription(agent_type="receiver"))
    await GreeterAgent.register(runtime, "greeter", GreeterAgent)
    await runtime.add_subscription(DefaultSubscription(agent_type="greeter"))
    await runtime.publish_message(AskToGreet("Hello World!"), topic_id=DefaultTopicId())
    await until_quiet()
    await runtime.stop()
    report()


asyncio.run(main(sys.argv[1]))
