"""Pod volume validation (upstream `ValidateVolumes` and the volume source checks that
matter for clients of kapi; cloud-provider volume types are accepted as given)."""

from __future__ import annotations

import posixpath
from typing import Any

from kapi.machinery import field as fe
from kapi.machinery.field import ErrorList, Path
from kapi.registry.core.quantity import parse_quantity
from kapi.registry.core.shape import integer, mapping, mappings, text
from kapi.registry.core.validation import validate_dns1123_label, validate_dns1123_subdomain

Object = dict[str, Any]

FILE_MODE_ERROR = "must be a number between 0 and 0777 (octal), both inclusive"

# (JSON key, the path upstream names in its "more than 1 volume type" error), in the order
# upstream checks them; emptyDir comes first and never gets that error.
VOLUME_SOURCES: tuple[tuple[str, str], ...] = (
    ("hostPath", "hostPath"),
    ("gitRepo", "gitRepo"),
    ("gcePersistentDisk", "gcePersistentDisk"),
    ("awsElasticBlockStore", "awsElasticBlockStore"),
    ("secret", "secret"),
    ("nfs", "nfs"),
    ("iscsi", "iscsi"),
    ("glusterfs", "glusterfs"),
    ("flocker", "flocker"),
    ("persistentVolumeClaim", "persistentVolumeClaim"),
    ("rbd", "rbd"),
    ("cinder", "cinder"),
    ("cephfs", "cephFS"),
    ("quobyte", "quobyte"),
    ("downwardAPI", "downwarAPI"),  # sic: upstream's path has this typo
    ("fc", "fc"),
    ("flexVolume", "flexVolume"),
    ("configMap", "configMap"),
    ("azureFile", "azureFile"),
    ("vsphereVolume", "vsphereVolume"),
    ("photonPersistentDisk", "photonPersistentDisk"),
    ("portworxVolume", "portworxVolume"),
    ("azureDisk", "azureDisk"),
    ("storageos", "storageos"),
    ("projected", "projected"),
    ("scaleIO", "scaleIO"),
    ("csi", "csi"),
    ("ephemeral", "ephemeral"),
    ("image", "image"),
)

HOST_PATH_TYPES = (
    "",
    "BlockDevice",
    "CharDevice",
    "Directory",
    "DirectoryOrCreate",
    "File",
    "FileOrCreate",
    "Socket",
)


def validate_volumes(volumes: Any, path: Path) -> tuple[dict[str, Object], ErrorList]:
    """Returns the valid volumes by name (for mount checks) and the errors."""
    errs: ErrorList = []
    by_name: dict[str, Object] = {}
    for i, vol in enumerate(mappings(volumes)):
        idx = path.index(i)
        name = text(vol.get("name"))
        el = _validate_source(vol, idx)
        if not name:
            el.append(fe.required(idx.child("name")))
        else:
            el += validate_dns1123_label(name, idx.child("name"))
        if name in by_name:
            el.append(fe.duplicate(idx.child("name"), name))
        if el:
            errs += el
        else:
            by_name[name] = vol
    return by_name, errs


def _validate_source(vol: Object, path: Path) -> ErrorList:
    errs: ErrorList = []
    count = 0
    empty_dir = vol.get("emptyDir")
    if isinstance(empty_dir, dict):
        count += 1
        size = empty_dir.get("sizeLimit")
        if size is not None and (parse_quantity(size) or 0) < 0:
            errs.append(
                fe.forbidden(
                    path.child("emptyDir", "sizeLimit"),
                    "SizeLimit field must be a valid resource quantity",
                )
            )
    for key, err_name in VOLUME_SOURCES:
        src = vol.get(key)
        if not isinstance(src, dict):
            continue
        if count > 0:
            errs.append(
                fe.forbidden(path.child(err_name), "may not specify more than 1 volume type")
            )
            continue
        count += 1
        errs += _SOURCE_CHECKS.get(key, _no_check)(src, path.child(key))
    if count == 0:
        errs.append(fe.required(path, "must specify a volume type"))
    return errs


def _no_check(src: Object, path: Path) -> ErrorList:
    return []


def validate_path_no_backsteps(target: str, path: Path | str) -> ErrorList:
    if ".." in target.split("/"):
        return [fe.invalid(path, target, "must not contain '..'")]
    return []


def validate_local_descending_path(target: str, path: Path | str) -> ErrorList:
    errs: ErrorList = []
    if posixpath.isabs(target):
        errs.append(fe.invalid(path, target, "must be a relative path"))
    return errs + validate_path_no_backsteps(target, path)


def _validate_local_non_reserved_path(target: str, path: Path) -> ErrorList:
    errs = validate_local_descending_path(target, path)
    if target.startswith("..") and not target.startswith("../"):
        errs.append(fe.invalid(path, target, "must not start with '..'"))
    return errs


def _validate_mode(mode: Any, path: Path) -> ErrorList:
    m = integer(mode)
    if mode is not None and (m is None or m < 0 or m > 0o777):
        return [fe.invalid(path, mode, FILE_MODE_ERROR)]
    return []


def _validate_key_to_paths(key_paths: Any, path: Path) -> ErrorList:
    errs: ErrorList = []
    for i, kp in enumerate(mappings(key_paths)):
        p = path.index(i)
        if not text(kp.get("key")):
            errs.append(fe.required(p.child("key")))
        target = text(kp.get("path"))
        if not target:
            errs.append(fe.required(p.child("path")))
        errs += _validate_local_non_reserved_path(target, p.child("path"))
        errs += _validate_mode(kp.get("mode"), p.child("mode"))
    return errs


def _host_path(src: Object, path: Path) -> ErrorList:
    target = text(src.get("path"))
    if not target:
        return [fe.required(path.child("path"))]
    errs = validate_path_no_backsteps(target, path.child("path"))
    kind = src.get("type")
    if kind is not None and kind not in HOST_PATH_TYPES:
        errs.append(fe.not_supported(path.child("type"), kind, HOST_PATH_TYPES))
    return errs


def _secret(src: Object, path: Path) -> ErrorList:
    errs: ErrorList = []
    name = text(src.get("secretName"))
    if not name:
        errs.append(fe.required(path.child("secretName")))
    errs += _validate_mode(src.get("defaultMode"), path.child("defaultMode"))
    return errs + _validate_key_to_paths(src.get("items"), path.child("items"))


def _config_map(src: Object, path: Path) -> ErrorList:
    errs: ErrorList = []
    name = text(src.get("name"))
    if not name:
        errs.append(fe.required(path.child("name")))
    else:
        errs += validate_dns1123_subdomain(name, path.child("name"))
    errs += _validate_mode(src.get("defaultMode"), path.child("defaultMode"))
    return errs + _validate_key_to_paths(src.get("items"), path.child("items"))


def _pvc(src: Object, path: Path) -> ErrorList:
    if not text(src.get("claimName")):
        return [fe.required(path.child("claimName"))]
    return []


def _nfs(src: Object, path: Path) -> ErrorList:
    errs: ErrorList = []
    if not text(src.get("server")):
        errs.append(fe.required(path.child("server")))
    target = text(src.get("path"))
    if not target:
        errs.append(fe.required(path.child("path")))
    elif not posixpath.isabs(target):
        errs.append(fe.invalid(path.child("path"), target, "must be an absolute path"))
    return errs


def _downward_api(src: Object, path: Path) -> ErrorList:
    errs = _validate_mode(src.get("defaultMode"), path.child("defaultMode"))
    for i, item in enumerate(mappings(src.get("items"))):
        p = path.child("items").index(i)
        target = text(item.get("path"))
        if not target:
            errs.append(fe.required(p.child("path")))
        errs += _validate_local_non_reserved_path(target, p.child("path"))
    return errs


def _projected(src: Object, path: Path) -> ErrorList:
    errs = _validate_mode(src.get("defaultMode"), path.child("defaultMode"))
    for i, source in enumerate(mappings(src.get("sources"))):
        p = path.child("sources").index(i)
        n = 0
        for key in (
            "secret",
            "configMap",
            "downwardAPI",
            "serviceAccountToken",
            "clusterTrustBundle",
        ):
            if isinstance(source.get(key), dict):
                n += 1
                if n > 1:
                    errs.append(
                        fe.forbidden(
                            p.child(key), "may not specify more than 1 volume type per source"
                        )
                    )
        if n == 0:
            errs.append(fe.required(p, "must specify exactly 1 volume type"))
        token = mapping(source.get("serviceAccountToken"))
        if token:
            if not text(token.get("path")):
                errs.append(fe.required(p.child("serviceAccountToken", "path")))
            seconds = integer(token.get("expirationSeconds"))
            if seconds is not None and seconds < 600:
                errs.append(
                    fe.invalid(
                        p.child("serviceAccountToken", "expirationSeconds"),
                        seconds,
                        "may not specify a duration less than 10 minutes",
                    )
                )
    return errs


_SOURCE_CHECKS = {
    "hostPath": _host_path,
    "secret": _secret,
    "configMap": _config_map,
    "persistentVolumeClaim": _pvc,
    "nfs": _nfs,
    "downwardAPI": _downward_api,
    "projected": _projected,
}
