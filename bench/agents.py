"""How many agents at once: the largest N whose p99 stays under 250 ms.

    .venv/bin/python bench/agents.py [--start 100] [--step 100] [--max-agents 1000]
                                     [--duration 60] [--budget 600] [--timeout 10] [--short]

Each simulated agent has two open conversations whose transcripts it polls every 5 seconds (as
the conversation page does), and every two minutes reads the widget's outcomes section (an htmx
GET) and submits a transaction (an htmx POST with CSRF and a fresh idempotency token), each at
its own moment. Sessions are written straight into the database (as a sign-in would leave
them), so 1,000 agents cost no 1,000 password checks. The load is open: every request leaves at
its planned time whether or not the server has answered the earlier ones, and its latency counts
from that time, so a server that falls behind shows it in the p99.

One gunicorn (production settings: DEBUG off, PostgreSQL, 2 sync workers, as bench/requests.py)
on 127.0.0.1; the load comes from this process (asyncio, a new connection per request, as the
sync workers close each one). The reference page's req/s (wrk, SPEC section 10) is measured in
the same run, before the steps, and the transcript poll's alone right after it (its ratio to
the reference page). N starts at ``--start`` and grows by ``--step`` for
``--duration`` seconds each; stepping stops at the first step over the bar, with errors, past
``--max-agents``, or when the next step would not end within ``--budget`` seconds. Prints a line
per step (p50 and p99 per request kind; the cores used by the gunicorn workers, this process and
the whole machine; the workers' CPU per request) and writes ``bench/results/agents.json``.
Exits 1 only on errors (an answer other than the expected one: a redirect to sign-in, a 403, a
500), not when the bar is reached or requests go unanswered within ``--timeout`` (the server
falling behind): reaching the bar is the measurement.
``--short`` is a smoke run (10 and 20 agents, 5 seconds each, a widget read and a submit every
4 seconds so that every kind of request is seen).
"""

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    free_port,
    gunicorn,
    load_average,
    local_database_url,
    machine,
    manage,
    server_env,
    write_results,
    wrk,
)

BAR_P99_MS = 250.0
POLL_EVERY_S = 5.0
ACT_EVERY_S = 120.0
USERNAME_PREFIX = "load-agent-"
CONVERSATION_PREFIX = "load-"
# What each kind of request must answer; anything else is an error.
EXPECTED = {"poll": {200, 204}, "widget": {200}, "submit": {200}}


# --- Data: runs inside Django (``manage.py shell -c`` here, or a test) -----------------------


def seed_agents(count: int) -> list[dict]:
    """``count`` Sales agents (``load-agent-0001``...), each with two open conversations of three
    messages, and a fresh session and CSRF secret each. Agents and conversations are made once;
    sessions every time (they depend on SECRET_KEY). Returns what the load needs, per agent."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import transaction
    from django.db.models import Max
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from campaigns.models import AgentGroup, Campaign, Skill, User
    from campaigns.roles import Role
    from workspace.models import Conversation, Message, Segment, Visitor

    now = timezone.now()
    with transaction.atomic():
        agents = _agents(count, User, AgentGroup, Skill, Role)
        sales = Skill.objects.get(name="Sales")
        campaign = Campaign.objects.filter(skill=sales, status=Campaign.Status.ACTIVE).first()
        have = set(
            Conversation.objects.filter(
                external_id__startswith=CONVERSATION_PREFIX, agent__in=agents
            ).values_list("agent_id", flat=True)
        )
        missing = [agent for agent in agents if agent.pk not in have]
        visitors = Visitor.objects.bulk_create(
            [
                Visitor(external_id=f"{CONVERSATION_PREFIX}visitor-{agent.username}-{i}")
                for agent in missing
                for i in (1, 2)
            ]
        )
        conversations = Conversation.objects.bulk_create(
            [
                Conversation(
                    external_id=f"{CONVERSATION_PREFIX}{visitor.external_id}",
                    visitor=visitor,
                    skill=sales,
                    campaign=campaign,
                    agent=agent,
                    started_at=now,
                )
                for agent, visitor in zip(
                    [a for a in missing for _ in (1, 2)], visitors, strict=True
                )
            ]
        )
        Segment.objects.bulk_create(
            [
                Segment(conversation=c, agent_id=c.agent_id, skill=sales, started_at=now)
                for c in conversations
            ]
        )
        Message.objects.bulk_create(
            [
                Message(conversation=c, sent_by=sent_by, text=text, sent_at=now)
                for c in conversations
                for sent_by, text in (
                    ("consumer", "Hello, is the annual plan cheaper for teams?"),
                    ("agent", "Yes: 15% off for five people or more."),
                    ("consumer", "Great, we are eight."),
                )
            ]
        )
    rows = (
        Conversation.objects.filter(external_id__startswith=CONVERSATION_PREFIX, agent__in=agents)
        .annotate(newest=Max("messages__id"))
        .order_by("pk")
        .values_list("agent_id", "pk", "newest")
    )
    by_agent: dict[int, list[list[int]]] = {}
    for agent_id, pk, newest in rows:
        by_agent.setdefault(agent_id, []).append([pk, newest or 0])
    store, sessions, plan = SessionStore(), [], []
    backend = "outcomes_site.auth_backends.OneQueryModelBackend"
    for agent in agents:
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        signed_in = int(time.time())
        data = {
            SESSION_KEY: str(agent.pk),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: agent.get_session_auth_hash(),
            "signed_in_at": signed_in,
            "seen_at": signed_in,
        }
        expires = now + timedelta(seconds=settings.SESSION_COOKIE_AGE)
        sessions.append(
            Session(session_key=key, session_data=store.encode(data), expire_date=expires)
        )
        plan.append(
            {
                "username": agent.username,
                "session": key,
                # An unmasked secret is a valid token as cookie and header alike.
                "csrf": get_random_string(32),
                "conversations": by_agent[agent.pk][:2],
            }
        )
    Session.objects.bulk_create(sessions, batch_size=1000)
    return plan


def _agents(count: int, User, AgentGroup, Skill, Role) -> list:
    from django.contrib.auth.models import Group

    names = [f"{USERNAME_PREFIX}{i:04d}" for i in range(1, count + 1)]
    existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    team = AgentGroup.objects.filter(name="Sales team").first()
    User.objects.bulk_create(
        [
            User(
                username=name,
                first_name="Load",
                last_name=f"Agent {name[-4:]}",
                password="!",  # no password: they never sign in, their sessions are made here
                agent_group=team,
            )
            for name in names
            if name not in existing
        ],
        batch_size=1000,
    )
    agents = list(User.objects.filter(username__in=names).order_by("username"))
    role = Group.objects.get(name=Role.AGENT)
    sales = Skill.objects.get(name="Sales")
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=a.pk, group_id=role.pk) for a in agents],
        ignore_conflicts=True,
    )
    User.skills.through.objects.bulk_create(
        [User.skills.through(user_id=a.pk, skill_id=sales.pk) for a in agents],
        ignore_conflicts=True,
    )
    return agents


# --- The load --------------------------------------------------------------------------------


@dataclass
class Call:
    kind: str
    agent: dict
    conversation: int  # 0 or 1


def plan_calls(
    agents: list[dict],
    *,
    duration: float,
    poll_every: float = POLL_EVERY_S,
    act_every: float = ACT_EVERY_S,
    seed: int = 14,
) -> list[tuple[float, Call]]:
    """When each request leaves, in seconds from the start: every agent at its own random phase,
    as agents open their pages at different moments."""
    # bandit: a benchmark's spread of phases, not security.
    rng = random.Random(seed)  # nosec B311
    calls = []
    for agent in agents:
        for index in (0, 1):
            at = rng.uniform(0, poll_every)
            while at < duration:
                calls.append((at, Call("poll", agent, index)))
                at += poll_every
        # The widget read and the submit each at their own phase: a step shorter than two
        # minutes still sees both at their steady rate.
        for kind in ("widget", "submit"):
            at = rng.uniform(0, act_every)
            while at < duration:
                calls.append((at, Call(kind, agent, 0)))
                at += act_every
    return sorted(calls, key=lambda item: item[0])


def _request(call: Call, host: str) -> bytes:
    agent = call.agent
    pk, newest = agent["conversations"][call.conversation]
    cookie = f"sessionid={agent['session']}; csrftoken={agent['csrf']}"
    headers = {"Host": host, "Cookie": cookie, "HX-Request": "true", "Connection": "close"}
    body = ""
    if call.kind == "poll":
        method, path = "GET", f"/workspace/conversations/{pk}/transcript/?after={newest}"
        headers["HX-Target"] = "transcript"
    elif call.kind == "widget":
        method, path = "GET", f"/workspace/conversations/{pk}/"
        headers["HX-Target"] = "summary-outcomes"
    else:
        method, path = "POST", f"/workspace/conversations/{pk}/outcomes/purchase/"
        token = uuid.uuid4()
        body = (
            f"add-purchase-token={token}&add-purchase-total=49.90&add-purchase-currency=USD"
            f"&add-purchase-orderId=L-{token.hex[:12]}"
        )
        headers.update(
            {
                "HX-Target": "outcome-type-purchase",  # the widget's form redraws its type
                "X-CSRFToken": agent["csrf"],
                "Content-Type": "application/x-www-form-urlencoded",
                "Content-Length": str(len(body)),
            }
        )
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return f"{method} {path} HTTP/1.1\r\n{head}\r\n{body}".encode()


async def _send(port: int, raw: bytes) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(raw)
        await writer.drain()
        status = int((await reader.readline()).split()[1])
        await reader.read()  # to the end: the server closes the connection after the answer
        return status
    finally:
        writer.close()


async def run_load(
    port: int,
    agents: list[dict],
    *,
    duration: float,
    poll_every: float = POLL_EVERY_S,
    act_every: float = ACT_EVERY_S,
    timeout: float = 10.0,
    in_flight: int = 2000,
    seed: int = 14,
) -> dict:
    """Send the planned requests of ``agents`` for ``duration`` seconds; the figures per kind."""
    loop = asyncio.get_running_loop()
    limit = asyncio.Semaphore(in_flight)
    host = f"127.0.0.1:{port}"
    got: list[tuple[str, int | None, float]] = []

    async def one(call: Call, due: float) -> None:
        status = None
        try:
            async with limit:
                status = await asyncio.wait_for(_send(port, _request(call, host)), timeout)
        except (OSError, TimeoutError, ValueError, IndexError):
            status = None
        got.append((call.kind, status, (loop.time() - due) * 1000))

    calls = plan_calls(
        agents, duration=duration, poll_every=poll_every, act_every=act_every, seed=seed
    )
    start = loop.time() + 0.05
    tasks = set()
    for at, call in calls:
        due = start + at
        if (wait := due - loop.time()) > 0:
            await asyncio.sleep(wait)
        task = asyncio.create_task(one(call, due))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.wait(tasks, timeout=timeout + 1)
    return summarise(got, duration=duration, planned=len(calls))


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summarise(got: list[tuple[str, int | None, float]], *, duration: float, planned: int) -> dict:
    kinds = {}
    for kind in EXPECTED:
        rows = [(status, ms) for k, status, ms in got if k == kind]
        statuses = [status for status, _ in rows]
        kinds[kind] = {
            "requests": len(rows),
            "errors": sum(s is not None and s not in EXPECTED[kind] for s in statuses),
            "unanswered": statuses.count(None),
            "statuses": {str(s): statuses.count(s) for s in sorted(set(statuses), key=str)},
            "p50_ms": round(_percentile([ms for _, ms in rows], 0.50), 1),
            "p99_ms": round(_percentile([ms for _, ms in rows], 0.99), 1),
        }
    every = [ms for _, _, ms in got]
    return {
        "planned": planned,
        "answered": len(got),
        # A wrong answer (a redirect to sign-in, a 403, a 500) is an error of the benchmark or
        # the product; no answer in time is the server falling behind, which the p99 shows.
        "errors": sum(kind["errors"] for kind in kinds.values()),
        "unanswered": sum(kind["unanswered"] for kind in kinds.values()) + planned - len(got),
        "req_per_s": round(len(got) / duration, 1),
        "p50_ms": round(_percentile(every, 0.50), 1),
        "p99_ms": round(_percentile(every, 0.99), 1),
        "mean_ms": round(statistics.fmean(every), 1) if every else 0.0,
        "kinds": kinds,
    }


# --- CPU: what the two cores were doing -----------------------------------------------------


def _cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _machine_busy_seconds() -> float:
    """CPU seconds every process on the machine has used (all cores), from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields) - idle) / os.sysconf("SC_CLK_TCK")


def _workers(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


def cpu_snapshot(master: int) -> dict[str, float]:
    return {
        "gunicorn": _cpu_seconds(_workers(master)),
        "machine": _machine_busy_seconds(),
        "load": sum(os.times()[:2]),
        "wall": time.monotonic(),
    }


def cpu_share(before: dict, after: dict) -> dict[str, float]:
    """Cores used (2.0 = both) by the gunicorn workers, this process, and the whole machine
    (PostgreSQL, and whatever else runs on it)."""
    wall = after["wall"] - before["wall"]
    return {
        key: round((after[key] - before[key]) / wall, 2) for key in ("gunicorn", "load", "machine")
    }


# --- The run -------------------------------------------------------------------------------


SEED = "import json; from bench.agents import seed_agents; print(json.dumps(seed_agents({n})))"


def prepare(count: int) -> tuple[dict[str, str], list[dict]]:
    # A fresh database, as bench/requests.py makes (secrets stored by the demo are encrypted
    # with this run's SECRET_KEY); DATABASE_URL is used as it is.
    env = server_env(local_database_url("outcomes_bench_agents", fresh=True))
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "seed_demo")
    agents = json.loads(manage(env, "shell", "-c", SEED.format(n=count)).strip().splitlines()[-1])
    return env, agents


def steps(args) -> list[int]:
    return list(range(args.start, args.max_agents + 1, args.step))


def print_step(n: int, result: dict, cpu: dict) -> None:
    kinds = "  ".join(
        f"{kind} {k['requests']} p50 {k['p50_ms']:.0f} p99 {k['p99_ms']:.0f}"
        for kind, k in result["kinds"].items()
    )
    print(
        f"N={n:>5}  {result['req_per_s']:>6.1f} req/s  p99 {result['p99_ms']:>7.1f} ms  "
        f"errors {result['errors']} unanswered {result['unanswered']}  "
        f"cores: gunicorn {cpu['gunicorn']} load {cpu['load']} machine {cpu['machine']}  "
        f"({kinds})",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start", type=int, default=100, help="agents in the first step")
    parser.add_argument("--step", type=int, default=100, help="agents added per step")
    parser.add_argument("--max-agents", type=int, default=1000, help="the last step at most")
    parser.add_argument("--duration", type=int, default=60, help="seconds per step")
    parser.add_argument("--budget", type=int, default=600, help="seconds for all the steps")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    parser.add_argument("--poll-every", type=float, default=POLL_EVERY_S, help="seconds")
    parser.add_argument("--act-every", type=float, default=ACT_EVERY_S, help="seconds")
    parser.add_argument(
        "--short", action="store_true", help="smoke run: 10, 20 agents, 5 s, acting every 4 s"
    )
    args = parser.parse_args()
    if args.short:
        args.start, args.step, args.max_agents, args.duration = 10, 10, 20, 5
        args.act_every = 4.0
    env, agents = prepare(args.max_agents)
    port = free_port()
    load_before, started = load_average(), time.monotonic()
    results = []
    with gunicorn(env, port) as server:
        cookie = f"sessionid={agents[0]['session']}"
        reference = wrk(
            f"http://127.0.0.1:{port}/bench/reference/", headers={"Cookie": cookie}, duration=5
        )
        # The poll alone, right after, as bench/requests.py pairs its paths: its ratio to the
        # reference page carries over to other machines better than N does.
        pk, newest = agents[0]["conversations"][0]
        poll = wrk(
            f"http://127.0.0.1:{port}/workspace/conversations/{pk}/transcript/?after={newest}",
            headers={"Cookie": cookie, "HX-Request": "true", "HX-Target": "transcript"},
            duration=5,
        )
        poll["x_reference"] = round(poll["rps"] / reference["rps"], 3)
        print(
            f"reference page: {reference['rps']:.0f} req/s; transcript poll (nothing new): "
            f"{poll['rps']:.0f} req/s, {poll['x_reference']}x the reference (wrk, 16 connections)",
            flush=True,
        )
        for n in steps(args):
            if time.monotonic() - started + args.duration > args.budget:
                print(f"stopped before N={n}: the next step would pass --budget", flush=True)
                break
            before = cpu_snapshot(server.pid)
            result = asyncio.run(
                run_load(
                    port,
                    agents[:n],
                    duration=args.duration,
                    poll_every=args.poll_every,
                    act_every=args.act_every,
                    timeout=args.timeout,
                )
            )
            cpu = cpu_share(before, cpu_snapshot(server.pid))
            # The workers' own CPU per answer: what each request costs, however busy the machine.
            cost = cpu["gunicorn"] * args.duration * 1000 / max(result["answered"], 1)
            results.append(
                {
                    "agents": n,
                    **result,
                    "cpu_cores": cpu,
                    "gunicorn_cpu_ms_per_request": round(cost, 1),
                    "load": load_average(),
                }
            )
            print_step(n, result, cpu)
            if result["errors"] or result["unanswered"] or result["p99_ms"] >= BAR_P99_MS:
                break
            time.sleep(2)  # the last answers and the database's writes settle
    reached = max(
        (
            r["agents"]
            for r in results
            if not r["errors"] and not r["unanswered"] and r["p99_ms"] < BAR_P99_MS
        ),
        default=0,
    )
    errors = sum(r["errors"] for r in results) + reference["errors"] + poll["errors"]
    print(
        f"largest N with p99 under {BAR_P99_MS:.0f} ms: {reached} "
        f"(reference page {reference['rps']:.0f} req/s in the same run)"
    )
    passed = [r for r in results if r["agents"] == reached]
    if passed:
        # Two cores for the workers alone, at this cost per request: an upper bound, since
        # PostgreSQL and the load itself need the same cores here.
        per_agent = 2 / args.poll_every + 2 / args.act_every
        ceiling = 2000 / (max(passed[0]["gunicorn_cpu_ms_per_request"], 0.1) * per_agent)
        print(
            f"gunicorn CPU per request at N={reached}: "
            f"{passed[0]['gunicorn_cpu_ms_per_request']} ms; two cores for the workers alone "
            f"would serve about {ceiling:.0f} agents"
        )
    print(f"load average before / after: {load_before} / {load_average()}")
    write_results(
        "agents",
        {
            "machine": machine(),
            "settings": {**vars(args), "workers": 2, "bar_p99_ms": BAR_P99_MS},
            "reference_rps": reference["rps"],
            "poll": poll,
            "reached": reached,
            "load_average": {"before": load_before, "after": load_average()},
            "seconds": round(time.monotonic() - started, 1),
            "steps": results,
        },
    )
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
