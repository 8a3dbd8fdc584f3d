"""The system check of how Redis is reached (the rules themselves: tests/config/test_rediscache.py)."""

from apps.health.checks import check_redis_connection
from config.rediscache import RedisConnection


def test_the_system_check_reports_each_problem_with_a_hint(settings) -> None:
    settings.REDIS = RedisConnection(sentinels=("10.0.0.1",))

    messages = check_redis_connection()

    assert [message.id for message in messages] == ["redis.E002", "redis.E003"]
    assert all(message.hint and message.is_serious() for message in messages)


def test_the_system_check_passes_the_test_settings() -> None:
    assert check_redis_connection() == []
