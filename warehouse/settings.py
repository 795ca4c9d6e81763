"""One settings object, built at the edge (CLI, `up`, scheduler) from flags and the environment, passed down."""

import os
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

HF_ENDPOINT = "https://huggingface.co"
GITHUB_API_URL = "https://api.github.com"
LIVEBENCH_URL = "https://livebench.ai"
LIVECODEBENCH_URL = "https://livecodebench.github.io/performances_generation.json"
OLLAMA_URL = "https://ollama.com"
OPENROUTER_API_URL = "https://openrouter.ai/api/v1"

# field name -> environment variable; the one place the environment is read
ENVIRONMENT = {
    "home": "REVEALED_HOME",
    "hf_endpoint": "HF_ENDPOINT",
    "github_api": "GITHUB_API_URL",
    "livebench_url": "LIVEBENCH_URL",
    "livecodebench_url": "LIVECODEBENCH_URL",
    "ollama_url": "OLLAMA_URL",
    "openrouter_api": "OPENROUTER_API_URL",
    "openrouter_rankings": "OPENROUTER_RANKINGS_URL",
    "hf_token": "HF_TOKEN",
    "github_token": "GITHUB_TOKEN",
    "profiles": "REVEALED_PROFILES",
}
URLS = ("hf_endpoint", "github_api", "livebench_url", "livecodebench_url", "ollama_url", "openrouter_api",
        "openrouter_rankings")


@dataclass(frozen=True)
class Settings:
    """Where the warehouse lives, where each source is read from, and the tokens (never printed)."""

    home: Path = Path("data")
    hf_endpoint: str = HF_ENDPOINT
    github_api: str = GITHUB_API_URL
    livebench_url: str = LIVEBENCH_URL
    livecodebench_url: str = LIVECODEBENCH_URL
    ollama_url: str = OLLAMA_URL
    openrouter_api: str = OPENROUTER_API_URL
    openrouter_rankings: str | None = None  # the rankings-daily CSV; None: the models list only
    hf_token: str | None = field(default=None, repr=False)
    github_token: str | None = field(default=None, repr=False)
    profiles: Path | None = None  # None: the packaged pipelines/profiles.toml

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> "Settings":
        """Defaults, then the environment (an empty value counts as unset), then explicit overrides."""
        environ = os.environ if environ is None else environ
        values = {name: environ[var].strip() for name, var in ENVIRONMENT.items() if environ.get(var, "").strip()}
        values.update({name: value for name, value in overrides.items() if value is not None})
        return cls().with_values(**values)

    def with_values(self, **values) -> "Settings":
        """A copy with some fields replaced: paths become Path, URLs lose a trailing slash, "" means the default."""
        defaults = {f.name: f.default for f in fields(self)}
        unknown = sorted(set(values) - set(defaults))
        if unknown:
            raise TypeError(f"unknown setting(s) {', '.join(unknown)}; expected one of {', '.join(sorted(defaults))}")
        clean = {}
        for name, value in values.items():
            if isinstance(value, str):
                value = value.strip() or defaults[name]
            if name in ("home", "profiles") and value is not None:
                value = Path(value).expanduser()
            elif name in URLS and value is not None:
                value = _url(name, value)
            if name == "home":
                _home(value)
            clean[name] = value
        return replace(self, **clean)

    def secrets(self) -> list[str]:
        """The token values and the passwords of user:password URLs set, for redaction from errors and logs."""
        passwords = [urllib.parse.urlsplit(url).password for url in (getattr(self, name) for name in URLS) if url]
        return [secret for secret in (self.hf_token, self.github_token, *passwords) if secret]


def redact(text: str, secrets: Iterable[str]) -> str:
    """The text with every secret masked."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def not_a_folder(path: Path) -> str | None:
    """'a file' or "under the file '...'" when path cannot be a folder; None when it is one or can be made one."""
    blocker = next((p for p in (path, *path.parents) if p.exists() and not p.is_dir()), None)
    if blocker is None:
        return None
    return "a file" if blocker == path else f"under the file '{blocker}'"


def _home(home: Path) -> None:
    """ValueError naming $REVEALED_HOME when it is a file or lies under one (a missing folder is created later)."""
    if where := not_a_folder(home):
        raise ValueError(f"home ($REVEALED_HOME) is '{home}', {where}; expected a folder (created when missing)")


def _url(name: str, value: str) -> str:
    """An http(s) URL without a trailing slash; ValueError naming the setting, its variable and the value."""
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{name} (${ENVIRONMENT[name]}) is {value!r}; expected an http(s) URL such as "
                         f"{getattr(Settings, name) or HF_ENDPOINT}")
    return value.rstrip("/")
