"""How the ingest API reports bad input: problems with their paths, and the exceptions that
carry them out of services (the API answers 400, or 404 for something that does not exist)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    path: str
    code: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {"path": self.path, "code": self.code, "message": self.message}


class InputRejected(Exception):
    """Bad input: nothing was stored. The API answers 400 with the problems."""

    status = 400

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(f"{p.path}: {p.message}" for p in problems))
        self.problems = problems


class InputNotFound(InputRejected):
    """The input names something that does not exist (a conversation): 404."""

    status = 404
