"""Drives a real third-party trace.moe client (aiotracemoeapi, from PyPI)
against this server and prints what it parsed as JSON, for the Rust test
to assert. Arguments come from the environment: BASE_URL, SHOT (a
screenshot file), SHOT_URL (the same screenshot over HTTP), KEY (a valid
API key), ANILIST_ID (the anime the screenshot shows), OTHER_ANILIST_ID."""

import asyncio
import json
import os

from aiotracemoeapi import TraceMoe
from aiotracemoeapi.exceptions import TraceMoeAPIError


def hit(h):
    info = h.anilist_info
    return {
        "anilist": h.anilist_id,
        "title": info.title.model_dump() if info else None,
        "id_mal": info.id_mal if info else None,
        "filename": h.filename,
        "episode": h.episode,
        "from": h.anime_from,
        "to": h.anime_to,
        "at": h.at,
        "similarity": h.similarity,
    }


async def main():
    env = os.environ
    base = env["BASE_URL"]
    out = {}
    async with TraceMoe(base_url=base) as guest:
        upload = await guest.search(env["SHOT"], anilist_info=False)
        out["upload"] = [hit(h) for h in upload.result]
        out["upload_frame_count"] = upload.frame_count
        out["upload_limits"] = upload.limits.model_dump()
        by_url = await guest.search(env["SHOT_URL"], anilist_info=True)
        out["url"] = [hit(h) for h in by_url.result]
        me = await guest.me()
        out["guest_me"] = {"id": me.id, "quota": me.quota, "quota_used": me.quota_used}
    async with TraceMoe(env["KEY"], base_url=base) as user:
        same = await user.search(env["SHOT"], anilist_id=int(env["ANILIST_ID"]))
        out["filtered_same"] = [hit(h) for h in same.result]
        other = await user.search(env["SHOT"], anilist_id=int(env["OTHER_ANILIST_ID"]))
        out["filtered_other"] = [hit(h) for h in other.result]
        me = await user.me()
        out["user_me"] = {"id": me.id, "quota": me.quota, "quota_used": me.quota_used,
                          "concurrency": me.concurrency, "priority": me.priority}
    async with TraceMoe("ak_not_a_key", base_url=base) as bad:
        try:
            await bad.me()
            out["bad_key"] = None
        except TraceMoeAPIError as e:
            out["bad_key"] = {"status": e.status_code, "type": type(e).__name__, "text": e.text}
    print(json.dumps(out))


asyncio.run(main())
