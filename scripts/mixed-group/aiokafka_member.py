"""A consumer of the Python K8s worker's kind (aiokafka, eager round-robin assignor) for the mixed-group test.

It joins the consumer group the supervisors use, "handles" each record by writing `partition offset key` to
OUTPUT, commits after every batch (as upstream's worker commits after handling), and stops cleanly on SIGTERM.
Every rebalance is written too (`assigned p,p,...` / `revoked p,...`), so the test can wait for the group to settle.

Usage: aiokafka_member.py BOOTSTRAP GROUP TOPIC OUTPUT
"""

import asyncio
import signal
import sys
import time

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener
from aiokafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor

# librdkafka's mock coordinator (src/rdkafka_mock_cgrp.c, its SyncGroup handling) completes a generation as soon as
# the leader's SyncGroup carries every member's assignment, and answers a follower whose own SyncGroup arrives after
# that with REBALANCE_IN_PROGRESS (marked FIXME there); the follower rejoins, which starts the next rebalance. A real
# broker answers late followers of the current generation with their assignment. This member joins first and so
# leads; on a loaded machine it could out-run the supervisor's SyncGroup in every generation and the group never
# settled (seen in CI). Holding the leader's answer for a moment keeps the mock from refusing what a broker accepts.
LEADER_DELAY_SECONDS = 1.0


class PatientRoundRobin(RoundRobinPartitionAssignor):
    """aiokafka's round-robin assignor ("roundrobin", as the supervisor's), assigning after LEADER_DELAY_SECONDS."""

    name = "roundrobin"

    @classmethod
    def assign(cls, cluster, member_metadata):
        time.sleep(LEADER_DELAY_SECONDS)
        return super().assign(cluster, member_metadata)


class Recorder(ConsumerRebalanceListener):
    def __init__(self, output):
        self.output = output

    async def on_partitions_revoked(self, revoked):
        self.write("revoked " + ",".join(str(p.partition) for p in sorted(revoked)))

    async def on_partitions_assigned(self, assigned):
        self.write("assigned " + ",".join(str(p.partition) for p in sorted(assigned)))

    def write(self, line):
        self.output.write(line + "\n")
        self.output.flush()


async def main(bootstrap, group, topic, path):
    # A parent that blocks signals (a test runner reading them from a signalfd) passes its mask on.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    with open(path, "a", encoding="utf-8") as output:
        recorder = Recorder(output)
        consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap,
            group_id=group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            session_timeout_ms=6000,
            heartbeat_interval_ms=1000,
            partition_assignment_strategy=(PatientRoundRobin,),
        )
        consumer.subscribe([topic], listener=recorder)
        await consumer.start()
        try:
            while not stop.is_set():
                batches = await consumer.getmany(timeout_ms=200)
                for partition, records in batches.items():
                    for record in records:
                        key = record.key.decode() if record.key else ""
                        recorder.write(f"record {partition.partition} {record.offset} {key}")
                if batches:
                    await consumer.commit()
        finally:
            await consumer.stop()
            recorder.write("stopped")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    asyncio.run(main(*sys.argv[1:]))
