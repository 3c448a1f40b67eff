// ndmem_memory.hpp: memory accounting for C++ (included by ndmem.hpp; needs nothing else).
//
//   ndmem::MemScope scope;                       // counts what this thread does from here
//   { ndmem::CopyPolicyScope forbid(NDM_COPY_POLICY_FORBID); ... }  // implicit copies throw
//   ndm_mem_counts c = scope.end();               // c.explicit_copies, c.implicit_bytes, ...
//   for (const auto &b : ndmem::mem_report()) std::cout << b.summary << "\n";
#ifndef NDMEM_MEMORY_HPP
#define NDMEM_MEMORY_HPP

#include <new>
#include <string>
#include <vector>

namespace ndmem {

/// The process's memory counters now (ndm_mem_stats): live buffers and bytes by origin,
/// ndmem's own live bytes and their peak, allocations, copies, block buffers, live handles.
inline ndm_mem_counts mem_stats() {
    ndm_mem_counts c{};
    c.size = sizeof c;
    check(ndm_mem_stats(&c));
    return c;
}

/// Lowers the process's peak to ndmem's own live bytes now.
inline void reset_peak() { check(ndm_mem_reset_peak()); }

/// A memory scope of the calling thread (ndm_mem_scope_begin/end): `end()` returns what the
/// thread did since construction (nested scopes count in every enclosing one). A scope not
/// ended is closed by the destructor. Not copyable; use on the thread that made it.
class MemScope {
public:
    MemScope() { check(ndm_mem_scope_begin()); }
    MemScope(const MemScope &) = delete;
    MemScope &operator=(const MemScope &) = delete;
    ~MemScope() {
        if (open_) ndm_mem_scope_end(nullptr);
    }
    /// Closes the scope and returns its counts (NDM_ERR_INVALID_ARG when already ended).
    ndm_mem_counts end() {
        if (!open_) fail(NDM_ERR_INVALID_ARG, "this memory scope was already ended");
        ndm_mem_counts c{};
        c.size = sizeof c;
        check(ndm_mem_scope_end(&c));
        open_ = false;
        return c;
    }

private:
    bool open_ = true;
};

/// Sets the process-wide copy policy (NDM_COPY_POLICY_ALLOW, _WARN, _FORBID).
inline void set_copy_policy(int32_t policy) { check(ndm_set_copy_policy(policy)); }

/// The copy policy in force on the calling thread.
inline int32_t copy_policy() noexcept { return ndm_get_copy_policy(); }

/// Sets the calling thread's copy policy for the lifetime of the object and restores the
/// thread's previous setting afterwards. Under NDM_COPY_POLICY_FORBID an implicit copy throws
/// ndmem::Error with NDM_ERR_COPY_REQUIRED before anything is written.
class CopyPolicyScope {
public:
    explicit CopyPolicyScope(int32_t policy) : previous_(ndm_get_thread_copy_policy()) {
        check(ndm_set_thread_copy_policy(policy));
    }
    CopyPolicyScope(const CopyPolicyScope &) = delete;
    CopyPolicyScope &operator=(const CopyPolicyScope &) = delete;
    ~CopyPolicyScope() { ndm_set_thread_copy_policy(previous_); }

private:
    int32_t previous_;
};

/// Sets the function told about each implicit copy under NDM_COPY_POLICY_WARN (nullptr: none,
/// stderr then). A plain function: it may run on any thread that calls ndmem.
inline void set_copy_callback(ndm_copy_callback callback, void *userdata = nullptr) {
    check(ndm_set_copy_callback(callback, userdata));
}

/// The name of an NDM_COPY_REASON_* code.
inline std::string copy_reason_name(int32_t reason) { return ndm_copy_reason_name(reason); }

/// Names `a`'s buffer in the reports (every view shows it); an empty tag removes the name.
inline void set_tag(const Array &a, const std::string &tag) {
    check(ndm_set_tag(a.handle(), tag.empty() ? nullptr : tag.c_str()));
}

/// Records where each buffer created from now on was allocated (or stops).
inline void set_tracking(bool on) { check(ndm_mem_set_tracking(on)); }

/// Installs (or with nullptrs removes) an allocation hook (ndm_set_alloc_hook).
inline void set_alloc_hook(ndm_track_fn track, ndm_untrack_fn untrack, uint32_t domain) {
    check(ndm_set_alloc_hook(track, untrack, domain));
}

/// One live buffer of the retention report.
struct BufferInfo {
    const void *start;
    uint64_t bytes;
    int32_t origin;            ///< NDM_ORIGIN_*
    uint64_t handles;          ///< live array handles viewing it
    uint64_t reachable_bytes;  ///< bytes inside at least one of their extents
    std::string tag;           ///< empty when untagged
    std::string site;          ///< allocation site (tracking on), else empty
    std::string summary;       ///< "1.00 GiB heap buffer kept alive by 1 view of 8 bytes (...)"
};

/// Every buffer viewed by a live array handle, largest first (ndm_mem_report).
inline std::vector<BufferInfo> mem_report() {
    struct Collected {
        std::vector<BufferInfo> records;
        bool failed = false;  // an exception must not cross the C library's frames
    } got;
    auto collect = [](const ndm_buffer_info *i, void *userdata) -> int32_t {
        auto *c = static_cast<Collected *>(userdata);
        try {
            c->records.push_back({i->start, i->bytes, i->origin, i->handles, i->reachable_bytes,
                                  i->tag ? i->tag : "", i->site ? i->site : "", i->summary});
            return 0;
        } catch (...) {
            c->failed = true;
            return 1;  // stop
        }
    };
    check(ndm_mem_report(collect, &got));
    if (got.failed) throw std::bad_alloc();
    return got.records;
}

/// Writes the leak report (live handles, the buffers they keep alive) to stderr now.
inline void leak_report() { check(ndm_mem_leak_report()); }

}  // namespace ndmem

#endif  // NDMEM_MEMORY_HPP
