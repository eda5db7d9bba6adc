"""YAML scenario files: a safe loader with line numbers, merge keys, and bounded aliases.

Only plain data is built (a safe loader), numbers keep the text written
(:class:`~xlfuncs._files.text.NumberText`), a key given twice is an error, and merge
keys (``<<: *base``) are accepted. Before anything is built, the composed
document is measured: the number of scenarios, the nesting, and the number
and expanded size of aliases (a few aliases of aliases make a billion values).
"""

from __future__ import annotations

from pathlib import Path

from ..._files.limits import LIMITS
from ..._files.text import FileReadError, NumberText, read_text

__all__ = ["Located", "yaml_document"]


class Located(dict):
    """A YAML mapping that knows its line and the line of each key.

    Readers of the document find them as the attributes ``line`` and
    ``key_lines`` (:func:`xlfuncs.batch.read.nested.locate`); nothing in
    this module is called again once the document is read.
    """

    line = 0
    key_lines: dict


def _yaml_loader(file: str):
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # a safe loader: only plain data, never Python objects
        pass

    def mapping(loader, node):
        data = Located()
        data.line = node.start_mark.line + 1
        data.key_lines = {}
        yield data
        seen: set = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = loader.construct_object(key_node)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                raise FileReadError(
                    f"{file}, line {key_node.start_mark.line + 1}: a key must be a name, "
                    "not a list or a mapping"
                )
            if key in seen:
                raise FileReadError(
                    f"{file}, line {key_node.start_mark.line + 1}: key {key!r} given twice"
                )
            seen.add(key)
            data.key_lines[key] = key_node.start_mark.line + 1
        # Merge keys (<<: *base) bring in another mapping's keys; this mapping's own win.
        loader.flatten_mapping(node)
        data.update(loader.construct_mapping(node))

    def number(loader, node):
        return NumberText(node.value)

    def text(loader, node):
        return str(node.value)

    Loader.add_constructor("tag:yaml.org,2002:map", mapping)
    Loader.add_constructor("tag:yaml.org,2002:int", number)
    Loader.add_constructor("tag:yaml.org,2002:float", number)
    Loader.add_constructor("tag:yaml.org,2002:timestamp", text)
    return Loader


def _measure_nodes(root, file: str) -> None:
    """Refuse a YAML document whose aliases repeat too much or refer to themselves.

    A YAML alias (``*name``) repeats a node: a few aliases of aliases make a
    billion values ("billion laughs"). The document's size with every alias
    expanded is computed on the composed nodes, before anything is built.
    """
    import yaml

    expanded: dict[int, int] = {}
    on_path: set[int] = set()
    aliases = 0
    stack: list[tuple[object, int, bool]] = [(root, 1, False)]
    depth_limit, alias_limit = LIMITS["depth"], LIMITS["aliases"]
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        children: list = []
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        if done:
            on_path.discard(key)
            expanded[key] = 1 + sum(expanded[id(c)] for c in children)
            if expanded[key] > LIMITS["expanded"].size:
                raise LIMITS["expanded"].refuse(
                    file,
                    f"line {node.start_mark.line + 1}",
                    "a YAML alias repeats a large part of the file",
                )
            continue
        if key in expanded:
            aliases += 1
            if aliases > alias_limit.size:
                raise alias_limit.refuse(file, f"line {node.start_mark.line + 1}")
            continue
        if key in on_path:
            raise FileReadError(
                f"{file}, line {node.start_mark.line + 1}: a YAML alias refers to a list or "
                "mapping that contains it, which never ends"
            )
        if depth > depth_limit.size:
            raise depth_limit.refuse(file, f"line {node.start_mark.line + 1}")
        on_path.add(key)
        stack.append((node, depth, True))
        for child in children:
            if id(child) in on_path:
                raise FileReadError(
                    f"{file}, line {child.start_mark.line + 1}: a YAML alias refers to a list or "
                    "mapping that contains it, which never ends"
                )
            if id(child) in expanded:
                aliases += 1
                if aliases > alias_limit.size:
                    raise alias_limit.refuse(file, f"line {child.start_mark.line + 1}")
            else:
                stack.append((child, depth + 1, False))


def _count_scenarios(root, file: str) -> None:
    """Refuse more scenarios than the limit, counted before any is built."""
    import yaml

    items = root
    if isinstance(root, yaml.MappingNode):
        items = next(
            (
                v
                for k, v in root.value
                if isinstance(k, yaml.ScalarNode) and str(k.value).strip().lower() == "scenarios"
            ),
            None,
        )
    limit = LIMITS["scenarios"]
    if isinstance(items, yaml.SequenceNode) and len(items.value) > limit.size:
        raise limit.refuse(file, found=f"it has {len(items.value):,}")


def yaml_document(path: Path, file: str) -> object:
    """The parsed document; each mapping in it is :class:`Located` (its line, its keys' lines)."""
    import yaml

    text = read_text(path, file)
    loader = _yaml_loader(file)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _count_scenarios(node, file)
        _measure_nodes(node, file)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f", line {mark.line + 1}" if mark else ""
        problem = error.problem or ""
        if "nesting depth" in problem:
            raise LIMITS["depth"].refuse(file, line.lstrip(", ")) from None
        raise FileReadError(f"{file}{line}: not valid YAML: {problem}") from None
    except yaml.YAMLError as error:
        raise FileReadError(f"{file}: not valid YAML: {error}") from None
    except RecursionError:
        raise LIMITS["depth"].refuse(file) from None
    finally:
        loader.dispose()
