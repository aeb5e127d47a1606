// faulty_file: a shared-disk path that can break, for the scenario tests.
//
// Serves BACKING (a disk image) as MOUNTPOINT/NAME through FUSE (NAME defaults to
// "disk" and may contain directories), passing reads, writes and fsyncs through; a
// loop device set up over that file is then a disk whose path the test can cut.
// Writing to MOUNTPOINT/control switches modes:
//
//   faulty_file [--name NAME] BACKING MOUNTPOINT [FUSE options, e.g. -f]
//   echo eio > MOUNTPOINT/control   # every read, write and fsync of the disk fails with EIO
//   echo ok > MOUNTPOINT/control    # passes through again
//   cat MOUNTPOINT/control          # the mode: "ok" or "eio"
//
// Every file is direct_io: no page cache of the FUSE file may answer a read that
// the dead path must fail. Attributes (the disk's size) still work while failing,
// as a host still knows the geometry of a disk whose path is gone. NAME is what
// the kernel shows as a loop device's backing file once the mount is gone.
#define _GNU_SOURCE
#define FUSE_USE_VERSION 31

#include <fuse.h>

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int backing = -1;
static atomic_bool failing;
static char disk_path[4096] = "/disk"; // "/" + NAME

enum { kDir, kDisk, kControl, kNone };

// A directory is "/" or any directory on the way to the disk.
static bool is_dir(const char* path) {
    const size_t n = strlen(path);
    return strcmp(path, "/") == 0 ||
           (strncmp(disk_path, path, n) == 0 && disk_path[n] == '/');
}

static int which(const char* path) {
    if (is_dir(path))
        return kDir;
    if (strcmp(path, disk_path) == 0)
        return kDisk;
    if (strcmp(path, "/control") == 0)
        return kControl;
    return kNone;
}

static const char* mode_text(void) { return atomic_load(&failing) ? "eio\n" : "ok\n"; }

static void* ff_init(struct fuse_conn_info* conn, struct fuse_config* cfg) {
    (void)conn;
    cfg->direct_io = 1;
    cfg->attr_timeout = 0;
    cfg->entry_timeout = 0;
    return NULL;
}

static int ff_getattr(const char* path, struct stat* st, struct fuse_file_info* fi) {
    (void)fi;
    memset(st, 0, sizeof *st);
    st->st_nlink = 1;
    switch (which(path)) {
    case kDir:
        st->st_mode = S_IFDIR | 0755;
        st->st_nlink = 2;
        return 0;
    case kDisk: {
        struct stat b;
        if (fstat(backing, &b) < 0)
            return -errno;
        st->st_mode = S_IFREG | 0600;
        st->st_size = b.st_size;
        return 0;
    }
    case kControl:
        st->st_mode = S_IFREG | 0600;
        st->st_size = (off_t)strlen(mode_text());
        return 0;
    }
    return -ENOENT;
}

static int ff_readdir(const char* path, void* buf, fuse_fill_dir_t fill, off_t offset,
                      struct fuse_file_info* fi, enum fuse_readdir_flags flags) {
    (void)offset, (void)fi, (void)flags;
    if (which(path) != kDir)
        return -ENOTDIR;
    fill(buf, ".", NULL, 0, 0);
    fill(buf, "..", NULL, 0, 0);
    if (strcmp(path, "/") == 0)
        fill(buf, "control", NULL, 0, 0);
    // The next component on the way to the disk.
    char next[sizeof disk_path];
    const char* rest = disk_path + (strcmp(path, "/") == 0 ? 1 : strlen(path) + 1);
    const size_t n = strcspn(rest, "/");
    memcpy(next, rest, n);
    next[n] = '\0';
    fill(buf, next, NULL, 0, 0);
    return 0;
}

static int ff_open(const char* path, struct fuse_file_info* fi) {
    (void)fi;
    const int w = which(path);
    return w == kDisk || w == kControl ? 0 : w == kDir ? -EISDIR : -ENOENT;
}

static int ff_read(const char* path, char* buf, size_t size, off_t offset,
                   struct fuse_file_info* fi) {
    (void)fi;
    if (which(path) == kControl) {
        const char* text = mode_text();
        const size_t length = strlen(text);
        if ((size_t)offset >= length)
            return 0;
        const size_t n = length - (size_t)offset < size ? length - (size_t)offset : size;
        memcpy(buf, text + offset, n);
        return (int)n;
    }
    if (atomic_load(&failing))
        return -EIO;
    size_t done = 0; // a short read means end of file to the kernel: fill the request
    while (done < size) {
        const ssize_t n = pread(backing, buf + done, size - done, offset + (off_t)done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            break;
        done += (size_t)n;
    }
    return (int)done;
}

static int ff_write(const char* path, const char* buf, size_t size, off_t offset,
                    struct fuse_file_info* fi) {
    (void)fi, (void)offset;
    if (which(path) == kControl) {
        if (size >= 3 && strncmp(buf, "eio", 3) == 0)
            atomic_store(&failing, true);
        else if (size >= 2 && strncmp(buf, "ok", 2) == 0)
            atomic_store(&failing, false);
        else
            return -EINVAL;
        fprintf(stderr, "faulty_file: %s", mode_text());
        return (int)size;
    }
    if (atomic_load(&failing))
        return -EIO;
    size_t done = 0;
    while (done < size) {
        const ssize_t n = pwrite(backing, buf + done, size - done, offset + (off_t)done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        done += (size_t)n;
    }
    return (int)done;
}

// `echo eio > control` opens with O_TRUNC; the disk keeps its size.
static int ff_truncate(const char* path, off_t size, struct fuse_file_info* fi) {
    (void)size, (void)fi;
    return which(path) == kControl ? 0 : -EPERM;
}

static int ff_fsync(const char* path, int datasync, struct fuse_file_info* fi) {
    (void)datasync, (void)fi;
    if (which(path) != kDisk)
        return 0;
    if (atomic_load(&failing))
        return -EIO;
    return fdatasync(backing) < 0 ? -errno : 0;
}

static const struct fuse_operations ops = {
    .init = ff_init,
    .getattr = ff_getattr,
    .readdir = ff_readdir,
    .open = ff_open,
    .read = ff_read,
    .write = ff_write,
    .truncate = ff_truncate,
    .fsync = ff_fsync,
};

int main(int argc, char* argv[]) {
    const char* name = "disk";
    int first = 1; // BACKING
    if (argc > 2 && strcmp(argv[1], "--name") == 0) {
        name = argv[2];
        first = 3;
    }
    const int n = snprintf(disk_path, sizeof disk_path, "/%s", name);
    if (argc - first < 2 || name[0] == '/' || name[0] == '\0' || name[strlen(name) - 1] == '/' ||
        strstr(name, "//") || (strcspn(name, "/") == 7 && strncmp(name, "control", 7) == 0) ||
        n >= (int)sizeof disk_path) {
        fprintf(stderr, "usage: %s [--name NAME] BACKING MOUNTPOINT [FUSE options]\n"
                        "  NAME: relative path of the disk in the mount (default: disk)\n",
                argv[0]);
        return 2;
    }
    backing = open(argv[first], O_RDWR | O_CLOEXEC);
    if (backing < 0) {
        fprintf(stderr, "faulty_file: cannot open %s: %s\n", argv[first], strerror(errno));
        return 1;
    }
    // fuse_main gets our arguments from MOUNTPOINT on.
    argv[first] = argv[0];
    return fuse_main(argc - first, argv + first, &ops, NULL);
}
