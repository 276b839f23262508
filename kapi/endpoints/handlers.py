"""One handler per verb (upstream `k8s.io/apiserver/pkg/endpoints/handlers/{get,create,update,
patch,delete,watch}.go`). Handlers use only the verb protocols of `kapi.registry.rest`."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable
from typing import Any

from kapi.auth.admission import CREATE, DELETE, UPDATE, Attributes, Chain
from kapi.endpoints import params
from kapi.endpoints.fieldmanager import (
    APPLY_PATCH,
    ApplyObjectInfo,
    RecordedPut,
    Recorder,
    decode_apply_body,
    supports_apply,
)
from kapi.endpoints.http import (
    Receive,
    Request,
    Send,
    decode_body,
    encode,
    send_bytes,
    warning_headers,
)
from kapi.endpoints.installer import InstalledResource
from kapi.endpoints.negotiation import Negotiated, media_type_of, negotiate
from kapi.endpoints.requestinfo import RequestInfo
from kapi.endpoints.watch import WatchEncoder, serve_error_watch, serve_watch, watch_timeout
from kapi.machinery import errors, fields
from kapi.machinery import field as fielderr
from kapi.machinery.meta import metadata
from kapi.machinery.patch import apply_json_patch, merge_patch
from kapi.machinery.pruning import decode as decode_fields
from kapi.machinery.schema import (
    GroupKind,
    GroupResource,
    GroupVersion,
    GroupVersionKind,
    GroupVersionResource,
)
from kapi.machinery.strategicpatch import (
    apply_strategic_merge_patch,
    has_strategic_merge_schema,
)
from kapi.registry import rest
from kapi.registry.context import RequestContext

Object = dict[str, Any]

JSON_PATCH = "application/json-patch+json"
MERGE_PATCH = "application/merge-patch+json"
STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json"

_OBJECT_CONVERSIONS = frozenset({"Table", "PartialObjectMetadata"})
_LIST_CONVERSIONS = frozenset({"Table", "PartialObjectMetadataList"})


class ResourceHandler:
    def __init__(self, admission: Chain) -> None:
        self.admission = admission
        # Set at server shutdown: every open watch ends.
        self.watch_stop = asyncio.Event()

    async def handle(
        self, req: Request, send: Send, info: RequestInfo, res: InstalledResource
    ) -> None:
        ctx = RequestContext(namespace=info.namespace, user_agent=req.headers.get("user-agent", ""))
        verb = info.verb
        storage = res.storage
        if verb == "get":
            if not isinstance(storage, rest.Getter):
                raise errors.new_method_not_allowed()
            await self.get(req, send, ctx, info, res)
        elif verb == "list":
            if not isinstance(storage, rest.Lister):
                raise errors.new_method_not_allowed()
            await self.list(req, send, ctx, res)
        elif verb == "watch":
            if not isinstance(storage, rest.Watcher):
                raise errors.new_method_not_supported(res_gr(res), "watch")
            await self.watch(req, send, ctx, info, res)
        elif verb == "create":
            named = bool(info.subresource) and isinstance(storage, rest.NamedCreater)
            if not named and (
                (info.name and not info.subresource) or not isinstance(storage, rest.Creater)
            ):
                raise errors.new_method_not_allowed()
            await self.create(req, send, ctx, info, res)
        elif verb == "update":
            if not info.name or not isinstance(storage, rest.Updater):
                raise errors.new_method_not_allowed()
            await self.update(req, send, ctx, info, res)
        elif verb == "patch":
            if not info.name or not isinstance(storage, rest.Patcher):
                raise errors.new_method_not_allowed()
            await self.patch(req, send, ctx, info, res)
        elif verb == "delete":
            if not isinstance(storage, rest.GracefulDeleter):
                raise errors.new_method_not_allowed()
            await self.delete(req, send, ctx, info, res)
        elif verb == "deletecollection":
            if not isinstance(storage, rest.CollectionDeleter):
                raise errors.new_method_not_allowed()
            await self.delete_collection(req, send, ctx, info, res)
        else:
            raise errors.new_method_not_allowed()

    # -- responses ------------------------------------------------------------------------

    async def respond(
        self,
        req: Request,
        send: Send,
        ctx: RequestContext,
        status: int,
        obj: Object,
        neg: Negotiated,
        res: InstalledResource,
    ) -> None:
        body_obj = obj
        if neg.convert == "Table" and isinstance(res.storage, rest.TableConvertor):
            include = req.param("includeObject", "Metadata")
            if include not in ("None", "Metadata", "Object"):
                raise errors.new_bad_request(
                    f'includeObject: Unsupported value: "{include}": supported values: '
                    '"Metadata", "None", "Object"'
                )
            body_obj = res.storage.convert_to_table(ctx, obj, include)
            body_obj["apiVersion"] = f"meta.k8s.io/{neg.version}"
        elif neg.convert == "PartialObjectMetadata":
            body_obj = partial(obj, neg.version)
        elif neg.convert == "PartialObjectMetadataList":
            body_obj = {
                "kind": "PartialObjectMetadataList",
                "apiVersion": f"meta.k8s.io/{neg.version}",
                "metadata": obj.get("metadata") or {},
                "items": [partial(i, neg.version) for i in obj.get("items", ())],
            }
        pretty = params.parse_bool(req.query, "pretty") or False
        await send_bytes(
            send,
            status,
            encode(body_obj, neg.format, pretty),
            neg.content_type,
            warning_headers(ctx.warnings),
            head=req.method == "HEAD",
        )

    # -- verbs ----------------------------------------------------------------------------

    async def get(
        self,
        req: Request,
        send: Send,
        ctx: RequestContext,
        info: RequestInfo,
        res: InstalledResource,
    ) -> None:
        neg = negotiate(req.headers.get("accept", ""), allow_conversions=_OBJECT_CONVERSIONS)
        obj = await res.storage.get(ctx, info.name, params.get_options(req.query))
        await self.respond(req, send, ctx, 200, obj, neg, res)

    async def list(
        self, req: Request, send: Send, ctx: RequestContext, res: InstalledResource
    ) -> None:
        neg = negotiate(req.headers.get("accept", ""), allow_conversions=_LIST_CONVERSIONS)
        opts = params.list_options(req.query, watch=False)
        opts.raw_items = neg.format == "json" and not neg.convert
        obj = await res.storage.list(ctx, opts)
        await self.respond(req, send, ctx, 200, obj, neg, res)

    async def watch(
        self,
        req: Request,
        send: Send,
        ctx: RequestContext,
        info: RequestInfo,
        res: InstalledResource,
    ) -> None:
        neg = negotiate(
            req.headers.get("accept", ""),
            allow_conversions=_LIST_CONVERSIONS | _OBJECT_CONVERSIONS,
        )
        opts = params.list_options(req.query, watch=True)
        # Plain JSON watchers can share the cache's pre-encoded objects.
        opts.raw_items = neg.format == "json" and not neg.convert
        if info.name:
            # GET .../pods/<name>?watch=1 watches that one object.
            selector = f"metadata.name={info.name}"
            if opts.field_selector is not None and not opts.field_selector.empty():
                current = opts.field_selector.requires_exact_match("metadata.name")
                if current is not None and current != info.name:
                    raise errors.new_bad_request(
                        "fieldSelector metadata.name doesn't match requested name"
                    )
                selector = f"{opts.field_selector},{selector}"
            opts.field_selector = fields.parse(selector)
        try:
            w = await res.storage.watch(ctx, opts)
        except errors.StatusError as err:
            if err.code in (410, 504):
                await serve_error_watch(err.status(), send, "application/json")
                return
            raise
        to_table: Callable[[Object], Object] | None = None
        if neg.convert == "Table" and isinstance(res.storage, rest.TableConvertor):
            include = req.param("includeObject", "Metadata")
            convertor = res.storage

            def to_table(obj: Object) -> Object:
                t = convertor.convert_to_table(ctx, obj, include)
                t["apiVersion"] = f"meta.k8s.io/{neg.version}"
                return t

        await serve_watch(
            w,
            WatchEncoder(neg, to_table),
            send,
            req.receive,
            timeout=watch_timeout(opts.timeout_seconds),
            content_type="application/json",
            stop=self.watch_stop,
        )

    async def _decode_object(
        self, req: Request, ctx: RequestContext, res: InstalledResource, directive: str
    ) -> Object:
        body = await req.body()
        obj = decode_body(body, req.headers.get("content-type", ""))
        if not isinstance(obj, dict):
            raise errors.new_bad_request(
                "Object 'Kind' is missing in the request body or it is not an object"
            )
        gvk = self._body_gvk(obj, res)
        obj = self._check_type(obj, gvk)
        self._validate_fields(ctx, gvk, obj, directive)
        return obj

    @staticmethod
    def _body_gvk(obj: Object, res: InstalledResource) -> GroupVersionKind:
        """The kind to decode the body as: the endpoint's, or another group version of it
        that the storage accepts (pods/eviction takes policy/v1beta1 too)."""
        api_version = obj.get("apiVersion")
        storage = res.storage
        if (
            isinstance(api_version, str)
            and api_version
            and api_version != res.gvk.api_version
            and isinstance(storage, rest.GroupVersionAcceptor)
        ):
            gv = GroupVersion.parse(api_version)
            if storage.accepts_group_version(gv):
                return GroupVersionKind(gv.group, gv.version, res.gvk.kind)
        return res.gvk

    @staticmethod
    def _check_type(obj: Object, gvk: GroupVersionKind) -> Object:
        """Check the body's apiVersion/kind against the endpoint's and return the object with
        kind, apiVersion and metadata first, as upstream serializes typed objects."""
        api_version = obj.get("apiVersion")
        if api_version and api_version != gvk.api_version:
            raise errors.new_bad_request(
                f"the API version in the data ({api_version}) does not match the expected API "
                f"version ({gvk.api_version})"
            )
        kind = obj.get("kind")
        if kind and kind != gvk.kind:
            raise errors.new_bad_request(
                f"the kind in the data ({kind}) does not match the expected kind ({gvk.kind})"
            )
        out: Object = {"kind": gvk.kind, "apiVersion": gvk.api_version}
        out["metadata"] = obj.get("metadata") or {}
        for k, v in obj.items():
            if k not in out:
                out[k] = v
        return out

    @staticmethod
    def _validate_fields(
        ctx: RequestContext, gvk: GroupVersionKind, obj: Object, directive: str
    ) -> None:
        """Decoding as into the kind's Go struct: a field of the wrong JSON type is a 400;
        unknown fields are dropped and, per fieldValidation, reported as a 400 (Strict) or as
        warnings (Warn)."""
        unknown, mismatches = decode_fields(gvk, obj)
        if mismatches:
            # Go's decoder fails on a field of the wrong JSON type, whatever the directive.
            raise errors.new_bad_request(
                f'{gvk.kind} in version "{gvk.version}" cannot be handled as a {gvk.kind}: '
                + mismatches[0]
            )
        if not unknown or directive == "Ignore":
            return
        problems = [f'unknown field "{p}"' for p in unknown]
        if directive == "Strict":
            raise errors.new_bad_request("strict decoding error: " + ", ".join(problems))
        for p in problems:
            ctx.add_warning(p)

    def _attrs(self, info: RequestInfo, res: InstalledResource, op: str, name: str) -> Attributes:
        gvr = GroupVersionResource(info.api_group, info.api_version, res.resource)
        return Attributes(gvr, res.subresource, info.namespace, name, op)

    async def create(
        self,
        req: Request,
        send: Send,
        ctx: RequestContext,
        info: RequestInfo,
        res: InstalledResource,
    ) -> None:
        neg = negotiate(req.headers.get("accept", ""), allow_conversions=_OBJECT_CONVERSIONS)
        opts = params.create_options(req.query, ctx.user_agent)
        obj = await self._decode_object(req, ctx, res, opts.field_validation)
        storage = res.storage
        if info.subresource and isinstance(storage, rest.NamedCreater):
            # pods/binding, pods/eviction: act on the parent named in the URL.
            await self.admission.admit(self._attrs(info, res, CREATE, info.name), obj)
            out = await storage.create_named(ctx, info.name, obj, None, opts)
        else:
            name = metadata(obj).get("name", "")
            await self.admission.admit(self._attrs(info, res, CREATE, name), obj)
            after_create = None
            if not res.subresource:  # a subresource create stores no object of its own
                recorder = Recorder(opts.field_manager, res)
                recorder.prepare(None, obj)
                after_create = recorder.after_create
            out = await storage.create(ctx, obj, after_create, opts)
        if out.get("kind") == "Status":
            neg = Negotiated(neg.format)
        await self.respond(req, send, ctx, 201, out, neg, res)

    async def update(
        self,
        req: Request,
        send: Send,
        ctx: RequestContext,
        info: RequestInfo,
        res: InstalledResource,
    ) -> None:
        neg = negotiate(req.headers.get("accept", ""), allow_conversions=_OBJECT_CONVERSIONS)
        opts = params.update_options(req.query, ctx.user_agent)
        obj = await self._decode_object(req, ctx, res, opts.field_validation)
        body_name = metadata(obj).get("name")
        if body_name != info.name:
            raise errors.new_bad_request(
                f"the name of the object ({body_name or ''}) does not match the name on the URL "
                f"({info.name})"
            )
        await self.admission.admit(self._attrs(info, res, UPDATE, info.name), obj)
        recorder = Recorder(opts.field_manager, res)
        out, created = await res.storage.update(
            ctx,
            info.name,
            RecordedPut(obj, recorder),
            recorder.after_create,
            recorder.after_update,
            False,
            opts,
        )
        await self.respond(req, send, ctx, 201 if created else 200, out, neg, res)

    async def patch(
        self,
        req: Request,
        send: Send,
        ctx: RequestContext,
        info: RequestInfo,
        res: InstalledResource,
    ) -> None:
        neg = negotiate(req.headers.get("accept", ""), allow_conversions=_OBJECT_CONVERSIONS)
        patch_type = media_type_of(req.headers.get("content-type", ""))
        supported = [JSON_PATCH, MERGE_PATCH]
        if has_strategic_merge_schema(res.gvk):
            supported.append(STRATEGIC_MERGE_PATCH)
        if supports_apply(res):
            supported.append(APPLY_PATCH)
        if patch_type not in supported:
            raise errors.new_unsupported_media_type(supported)
        apply = patch_type == APPLY_PATCH
        # Upstream `ValidatePatchOptions`.
        if not apply and "force" in req.query:
            raise errors.new_invalid(
                GroupKind("meta.k8s.io", "PatchOptions"),
                "",
                [fielderr.forbidden("force", "may not be specified for non-apply patch")],
            )
        if apply and not req.param("fieldManager"):
            raise errors.new_invalid(
                GroupKind("meta.k8s.io", "PatchOptions"),
                "",
                [fielderr.required("fieldManager", "is required for apply patch")],
            )
        opts = params.update_options(req.query, ctx.user_agent, "PatchOptions")
        body = await req.body()
        info_obj: rest.UpdatedObjectInfo
        if apply:
            config, strict_problems = decode_apply_body(body)
            info_obj = ApplyObjectInfo(
                res,
                info.name,
                config,
                opts.field_manager,
                bool(params.parse_bool(req.query, "force")),
                strict_problems,
                opts.field_validation,
            )
            # Apply creates a missing object (upstream `forceAllowCreate`).
            out, created = await res.storage.update(
                ctx, info.name, info_obj, None, None, True, opts
            )
        else:
            patch_doc = decode_body(body, "application/json")
            recorder = Recorder(opts.field_manager, res)
            info_obj = _PatchedObjectInfo(
                self, ctx, res, info.name, patch_type, patch_doc, opts.field_validation, recorder
            )
            out, created = await res.storage.update(
                ctx,
                info.name,
                info_obj,
                recorder.after_create,
                recorder.after_update,
                False,
                opts,
            )
        await self.respond(req, send, ctx, 201 if created else 200, out, neg, res)

    async def delete(
        self,
        req: Request,
        send: Send,
        ctx: RequestContext,
        info: RequestInfo,
        res: InstalledResource,
    ) -> None:
        neg = negotiate(req.headers.get("accept", ""), allow_conversions=_OBJECT_CONVERSIONS)
        opts = params.delete_options(req.query, await self._delete_body(req))
        await self.admission.admit(self._attrs(info, res, DELETE, info.name), None)
        out, deleted = await res.storage.delete(ctx, info.name, None, opts)
        status = 200
        if not deleted and opts.orphan_dependents is False:
            status = 202
        if out.get("kind") == "Status":
            neg = Negotiated(neg.format)
        await self.respond(req, send, ctx, status, out, neg, res)

    async def _delete_body(self, req: Request) -> Object | None:
        body = await req.body()
        if not body.strip():
            return None
        decoded = decode_body(body, req.headers.get("content-type", "") or "application/json")
        if decoded is not None and not isinstance(decoded, dict):
            raise errors.new_bad_request("DeleteOptions must be an object")
        return decoded

    async def delete_collection(
        self,
        req: Request,
        send: Send,
        ctx: RequestContext,
        info: RequestInfo,
        res: InstalledResource,
    ) -> None:
        neg = negotiate(req.headers.get("accept", ""), allow_conversions=_LIST_CONVERSIONS)
        opts = params.delete_options(req.query, await self._delete_body(req))
        list_opts = params.list_options(req.query, watch=False)
        await self.admission.admit(self._attrs(info, res, DELETE, ""), None)
        out = await res.storage.delete_collection(ctx, None, opts, list_opts)
        await self.respond(req, send, ctx, 200, out, neg, res)


def res_gr(res: InstalledResource) -> GroupResource:
    return GroupResource(res.gvk.group, res.resource)


def partial(obj: Object, version: str) -> Object:
    return {
        "kind": "PartialObjectMetadata",
        "apiVersion": f"meta.k8s.io/{version}",
        "metadata": obj.get("metadata") or {},
    }


class _PatchedObjectInfo:
    """Applies the patch to whatever object is current, inside the storage retry loop, so a
    patch without a resourceVersion never fails with Conflict."""

    def __init__(
        self,
        handler: ResourceHandler,
        ctx: RequestContext,
        res: InstalledResource,
        name: str,
        patch_type: str,
        patch: Any,
        directive: str,
        recorder: Recorder,
    ) -> None:
        self.handler = handler
        self.ctx = ctx
        self.res = res
        self.name = name
        self.patch_type = patch_type
        self.patch = patch
        self.directive = directive
        self.recorder = recorder

    def preconditions(self) -> tuple[str | None, str | None]:
        return None, None

    async def updated_object(self, ctx: RequestContext, old: Object | None) -> Object:
        if old is None:
            raise errors.new_not_found(res_gr(self.res), self.name)
        if self.patch_type == JSON_PATCH:
            patched = apply_json_patch(old, self.patch)
        elif self.patch_type == STRATEGIC_MERGE_PATCH:
            patched = apply_strategic_merge_patch(old, self.patch, self.res.gvk)
        else:
            if not isinstance(self.patch, dict):
                raise errors.new_bad_request(
                    "json: cannot unmarshal into Go value of type map[string]interface {}"
                )
            patched = merge_patch(copy.deepcopy(old), self.patch)
        if not isinstance(patched, dict):
            raise errors.new_bad_request("the patched object is not an object")
        patched = self.handler._check_type(patched, self.res.gvk)
        meta = metadata(patched)
        if meta.get("name") != self.name:
            raise errors.new_bad_request(
                f"the name of the object ({meta.get('name', '')}) does not match the name on "
                f"the URL ({self.name})"
            )
        self.handler._validate_fields(self.ctx, self.res.gvk, patched, self.directive)
        self.recorder.prepare(old, patched)
        return patched


__all__ = ["Receive", "ResourceHandler"]
