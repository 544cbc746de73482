/* N-API glue of the splice pump: pumpStart(clientFd, upstreamFd, idleMs, headUp, headDown, onDone,
 * resource) -> handle, pumpClose(handle), pumpStats(handle), spliceInfo().
 * pumpStart dup()s both fds (F_DUPFD_CLOEXEC): the JS sockets are destroyed right after, which
 * closes Node's fds (libuv removes them from epoll first), and the connections live on through the
 * duplicates. onDone(end, code, bytesUp, bytesDown) runs once, after both fds are closed. */
#include "splice-pump.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHECK(call) do { if ((call) != napi_ok) { napi_throw_error(env, "EINVAL", #call " failed"); return NULL; } } while (0)

void pump_call_done(pump_t *p) {
  napi_env env = p->env;
  napi_handle_scope scope;
  napi_value cb, recv, argv[4], result;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_get_reference_value(env, p->on_done, &cb);
  napi_get_reference_value(env, p->resource, &recv);
  napi_create_int32(env, p->end, &argv[0]);
  if (p->err) napi_create_string_utf8(env, uv_err_name(-p->err), NAPI_AUTO_LENGTH, &argv[1]);
  else napi_get_undefined(env, &argv[1]);
  napi_create_double(env, p->d[0].bytes, &argv[2]);
  napi_create_double(env, p->d[1].bytes, &argv[3]);
  if (napi_make_callback(env, p->actx, recv, cb, 4, argv, &result) != napi_ok) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (pending) {
      napi_value e;
      napi_get_and_clear_last_exception(env, &e);
      napi_fatal_exception(env, e);
    }
  }
  napi_delete_reference(env, p->on_done);
  napi_delete_reference(env, p->resource);
  napi_async_destroy(env, p->actx);
  napi_close_handle_scope(env, scope);
}

static void on_env_cleanup(napi_async_cleanup_hook_handle handle, void *arg) {
  pump_t *p = (pump_t *)arg;
  (void)handle;
  p->teardown = 1;
  pump_finish(p, PUMP_ABORTED, 0);
}

static void finalize_pump(napi_env env, void *data, void *hint) {
  pump_t *p = (pump_t *)data;
  (void)env; (void)hint;
  p->external_gone = 1;
  pump_maybe_free(p);
}

static void finalize_env(napi_env env, void *data, void *hint) {
  (void)env; (void)hint;
  pump_env_free((pump_env_t *)data);
}

/* A copy of a Uint8Array argument (undefined = none); 0 on a wrong type. */
static int copy_head(napi_env env, napi_value v, uint8_t **out, size_t *len) {
  napi_valuetype t;
  bool is_ta = false;
  napi_typedarray_type type;
  napi_value ab;
  size_t off;
  void *data;
  *out = NULL; *len = 0;
  if (napi_typeof(env, v, &t) != napi_ok) return 0;
  if (t == napi_undefined || t == napi_null) return 1;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta) return 0;
  if (napi_get_typedarray_info(env, v, &type, len, &data, &ab, &off) != napi_ok || type != napi_uint8_array) return 0;
  if (*len == 0) return 1;
  *out = malloc(*len);
  if (!*out) return 0;
  memcpy(*out, data, *len);
  return 1;
}

static napi_value PumpStart(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7], name, handle;
  int32_t fds[2];
  double idle;
  pump_env_t *penv = NULL;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 7) { napi_throw_type_error(env, "EINVAL", "pumpStart: 7 arguments expected"); return NULL; }
  CHECK(napi_get_value_int32(env, argv[0], &fds[0]));
  CHECK(napi_get_value_int32(env, argv[1], &fds[1]));
  CHECK(napi_get_value_double(env, argv[2], &idle));
  CHECK(napi_get_instance_data(env, (void **)&penv));
  if (fds[0] < 0 || fds[1] < 0 || fds[0] == fds[1] || !(idle >= 0) || !penv) {
    napi_throw_range_error(env, "EINVAL", "pumpStart: bad fds or idle timeout");
    return NULL;
  }
  pump_t *p = calloc(1, sizeof *p);
  if (!p) return throw_errno(env, ENOMEM, "calloc");
  p->env = env;
  p->penv = penv;
  p->idle_ms = (uint64_t)idle;
  for (int i = 0; i < 2; i++) {
    p->d[i].src = i; p->d[i].dst = 1 - i;
    p->d[i].pipe[0] = p->d[i].pipe[1] = -1;
  }
  if (!copy_head(env, argv[3], &p->d[0].head, &p->d[0].head_len) ||
      !copy_head(env, argv[4], &p->d[1].head, &p->d[1].head_len)) {
    free(p->d[0].head); free(p);
    napi_throw_type_error(env, "EINVAL", "pumpStart: head bytes must be Uint8Arrays");
    return NULL;
  }
  p->fd[0] = fcntl(fds[0], F_DUPFD_CLOEXEC, 3);
  p->fd[1] = p->fd[0] < 0 ? -1 : fcntl(fds[1], F_DUPFD_CLOEXEC, 3);
  if (p->fd[1] < 0) {
    int e = errno;
    if (p->fd[0] >= 0) close(p->fd[0]);
    free(p->d[0].head); free(p->d[1].head); free(p);
    return throw_errno(env, e, "dup");
  }
  int r = pump_start(p);
  if (r != 0) {
    if (!p->closing) { close(p->fd[0]); close(p->fd[1]); free(p->d[0].head); free(p->d[1].head); free(p); }
    return throw_errno(env, -r, "uv_poll_init");
  }
  /* Nothing runs on the loop before this call returns: the references are in place in time. */
  CHECK(napi_create_reference(env, argv[5], 1, &p->on_done));
  CHECK(napi_create_reference(env, argv[6], 1, &p->resource));
  CHECK(napi_create_string_utf8(env, "GeodesicSplicePump", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_async_init(env, argv[6], name, &p->actx));
  napi_add_async_cleanup_hook(env, on_env_cleanup, p, &p->cleanup);
  CHECK(napi_create_external(env, p, finalize_pump, NULL, &handle));
  return handle;
}

static pump_t *unwrap_pump(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *data = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_external(env, argv[0], &data) != napi_ok) {
    napi_throw_type_error(env, "EINVAL", "expected a splice pump handle");
    return NULL;
  }
  return (pump_t *)data;
}

/* pumpClose(handle): ends both directions now (fds closed, onDone with end = aborted). */
static napi_value PumpClose(napi_env env, napi_callback_info info) {
  pump_t *p = unwrap_pump(env, info);
  if (p) pump_finish(p, PUMP_ABORTED, 0);
  return NULL;
}

static napi_value PumpStats(napi_env env, napi_callback_info info) {
  pump_t *p = unwrap_pump(env, info);
  if (!p) return NULL;
  static const char *const keys[] = { "bytesUp", "bytesDown", "pipes" };
  const double values[] = { p->d[0].bytes, p->d[1].bytes, (p->d[0].pipe[0] >= 0) + (p->d[1].pipe[0] >= 0) };
  return counters(env, keys, values, 3);
}

/* spliceInfo(): open pumps, spare pipes and their capacity (diagnostics and tests). */
static napi_value SpliceInfo(napi_env env, napi_callback_info info) {
  pump_env_t *e = NULL;
  (void)info;
  CHECK(napi_get_instance_data(env, (void **)&e));
  if (!e) return NULL;
  static const char *const keys[] = { "pumps", "sparePipes", "pipeBytes" };
  const double values[] = { e->pumps_open, e->count, (double)e->pipe_bytes };
  return counters(env, keys, values, 3);
}

napi_status splice_register(napi_env env, napi_value exports) {
  pump_env_t *e = calloc(1, sizeof *e);
  if (!e) return napi_generic_failure;
  napi_status s = napi_set_instance_data(env, e, finalize_env, NULL);
  if (s != napi_ok) { free(e); return s; }
  napi_property_descriptor props[] = {
    { "pumpStart", NULL, PumpStart, NULL, NULL, NULL, napi_default, NULL },
    { "pumpClose", NULL, PumpClose, NULL, NULL, NULL, napi_default, NULL },
    { "pumpStats", NULL, PumpStats, NULL, NULL, NULL, napi_default, NULL },
    { "spliceInfo", NULL, SpliceInfo, NULL, NULL, NULL, napi_default, NULL },
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
