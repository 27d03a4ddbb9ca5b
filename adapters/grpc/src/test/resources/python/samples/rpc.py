# What AutoGen's python/samples/core_grpc_worker_runtime/run_worker_rpc.py does (written for this
# test): on a published request the greeter calls the receiver by RPC and publishes what it
# answered; the receiver reports the feedback.
import asyncio
import sys
from dataclasses import dataclass

from autogen_core import AgentId, DefaultSubscription, DefaultTopicId, MessageContext, RoutedAgent, message_handler
from autogen_ext.runtimes.grpc import GrpcWorkerAgentRuntime
from quiet import report, say, until_quiet


@dataclass
class AskToGreet:
    content: str


@dataclass
class Greeting:
    content: str


@dataclass
class Feedback:
    content: str


class ReceiveAgent(RoutedAgent):
    def __init__(self) -> None:
        super().__init__("Receive Agent")

    @message_handler
    async def on_greet(self, message: Greeting, ctx: MessageContext) -> Greeting:
        return Greeting(content=f"Received: {message.content}")

    @message_handler
    async def on_feedback(self, message: Feedback, ctx: MessageContext) -> None:
        say(f"Feedback received: {message.content}")


class GreeterAgent(RoutedAgent):
    def __init__(self, receive_agent_type: str) -> None:
        super().__init__("Greeter Agent")
        self._receive_agent_id = AgentId(receive_agent_type, self.id.key)

    @message_handler
    async def on_ask(self, message: AskToGreet, ctx: MessageContext) -> None:
        response = await self.send_message(Greeting(f"Hello, {message.content}!"), recipient=self._receive_agent_id)
        say(f"greeter got: {response.content}")
        await self.publish_message(Feedback(f"Feedback: {response.content}"), topic_id=DefaultTopicId())


async def main(address: str) -> None:
    runtime = GrpcWorkerAgentRuntime(host_address=address)
    await runtime.start()
    await ReceiveAgent.register(runtime, "receiver", lambda: ReceiveAgent())
    await runtime.add_subscription(DefaultSubscription(agent_type="receiver"))
    await GreeterAgent.register(runtime, "greeter", lambda: GreeterAgent("receiver"))
    await runtime.add_subscription(DefaultSubscription(agent_type="greeter"))
    await runtime.publish_message(AskToGreet("Hello World!"), topic_id=DefaultTopicId())
    await until_quiet()
    await runtime.stop()
    report()


asyncio.run(main(sys.argv[1]))
