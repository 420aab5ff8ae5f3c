"""Typed YAML configuration, validated once at start; every problem reported with its line.

Admins edit one YAML file. :func:`load_config` reads it, replaces ``${ENV_VAR}`` references,
validates it with the pydantic models below (unknown keys are errors everywhere, so a misspelled
key never goes unnoticed), validates each adapter's section (``adapters.<platform>``) and each
skill's with the schema that adapter or skill declares, then cross-checks people, roles and
person handles. The platforms (keys of ``accounts``, ``delivery.rate_limits``, ``chats``) are
those whose adapter is installed. All problems are reported together, sorted by
line, one per line, in the form ``<file>:<line> <key.path>: <message>``::

    config.yaml:7 org.timezon: unknown key (did you mean 'timezone'?)
    config.yaml:12 people[0].accounts.slack: expected a string, got a list
    config.yaml:42 skills.approvals.steps[1].approver: unknown person 'bobb' (did you mean 'bob'?)

Environment references: ``${NAME}`` is replaced by the variable's value (an error names it when it
is unset), ``${NAME:-default}`` falls back to ``default`` when it is unset or empty, and ``$${``
writes a literal ``${``. They are replaced in string values (not in keys); the result stays a
string, which the models convert where a number or a boolean is expected.
"""

# ``X as X``: public names outside ``__all__`` that other modules import (e.g. RateLimit)
from bot.config.fields import AccountId as AccountId
from bot.config.fields import (
    Duration,
    LocalizedText,
    PersonHandle,
    RoleName,
    TimeWindow,
    Weekday,
)
from bot.config.fields import Language as Language
from bot.config.fields import PlatformName as PlatformName
from bot.config.fields import TimeZoneName as TimeZoneName
from bot.config.loader import load_config, parse_config
from bot.config.models import (
    AdapterSettings,
    ChatConfig,
    Config,
    DeliveryConfig,
    LoggingConfig,
    MonitoringConfig,
    OrgConfig,
    PersonConfig,
    PlatformLimits,
    RateLimit,
    RoleConfig,
    StorageConfig,
    StrictModel,
    require,
)
from bot.config.platforms import AdapterSchema, installed_schemas

__all__ = [
    "AdapterSchema",
    "AdapterSettings",
    "ChatConfig",
    "Config",
    "DeliveryConfig",
    "Duration",
    "LocalizedText",
    "LoggingConfig",
    "MonitoringConfig",
    "OrgConfig",
    "PersonConfig",
    "PersonHandle",
    "PlatformLimits",
    "RateLimit",
    "RoleConfig",
    "RoleName",
    "StorageConfig",
    "StrictModel",
    "TimeWindow",
    "Weekday",
    "installed_schemas",
    "load_config",
    "parse_config",
    "require",
]


# ``doctest.testmod(bot.config)`` only collects objects defined in the module itself and runs
# their examples with its globals: point it at the re-exported ones.
__test__ = {
    "AdapterSettings": AdapterSettings,
    "Config": Config,
    "Config.person": Config.person,
    "StrictModel": StrictModel,
    "parse_config": parse_config,
}
