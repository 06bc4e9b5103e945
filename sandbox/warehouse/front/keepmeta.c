/*
 * Keeps Databend 1.2.895's embedded meta store (its catalog: databases, tables, load metadata)
 * across engine processes. Loaded with LD_PRELOAD by sandbox/warehouse/server.ts; built by
 * `npm install` (scripts/provision-engine.ts) with the system's C compiler.
 *
 * Why: the 1.2.895 binding (src/bendpy/src/lib.rs, v1.2.895-nightly) gives the engine
 * `meta.embedded_dir = <data_path>/meta`, and every component that opens a meta store
 * (src/meta/store/src/lib.rs, MetaStoreProvider::create_meta_store; six of them at start-up)
 * gets a LocalMetaService whose raft directory is
 * `<embedded_dir>/MetaStoreProvider-created-<port>/raft_dir` with <port> a free port the OS picked
 * (src/meta/store/src/local.rs, new_with_fixed_dir). The directory survives the process, but the
 * next process picks other ports, so it opens six empty stores: every table is gone (1003).
 *
 * What: when the engine creates such a directory, this makes it a symbolic link to
 * `store-<k>`, k being the order in which this process created them. Start-up opens the stores in
 * the same order every time, so each component finds its own store again, and a single-node raft
 * store reopens what it wrote (`single = true` initialises only an empty one). Nothing else is
 * touched: every other mkdir goes to the C library unchanged.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static const char PREFIX[] = "MetaStoreProvider-created-";
static int next_store;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

int mkdir(const char *path, mode_t mode) {
  static int (*real_mkdir)(const char *, mode_t);
  if (!real_mkdir) real_mkdir = (int (*)(const char *, mode_t))dlsym(RTLD_NEXT, "mkdir");
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  if (strncmp(base, PREFIX, sizeof PREFIX - 1) != 0) return real_mkdir(path, mode);

  char target[4096], name[32];
  pthread_mutex_lock(&lock);
  int k = next_store++;
  pthread_mutex_unlock(&lock);
  snprintf(name, sizeof name, "store-%d", k);
  size_t dir_len = (size_t)(base - path);
  if (dir_len + strlen(name) + 1 > sizeof target) {
    errno = ENAMETOOLONG;
    return -1;
  }
  memcpy(target, path, dir_len);
  strcpy(target + dir_len, name);
  if (real_mkdir(target, mode) != 0 && errno != EEXIST) return -1;
  /* A link left by an earlier process under the same port name points elsewhere: replace it. */
  unlink(path);
  return symlink(name, path);
}
