// cublas_loader.h: cuBLAS opened at run time (dlopen), so the probe runs, with its built-in GEMM,
// on machines without cuBLAS, and needs no cuBLAS at link time.
#pragma once

#include <cublas_api.h>
#include <dlfcn.h>

#include <string>

namespace headroom::probe {

/// The few cuBLAS entry points the probe uses; `ok()` false when no cuBLAS could be opened.
class CublasLib {
public:
    using CreateFn = cublasStatus_t (*)(cublasHandle_t*);
    using DestroyFn = cublasStatus_t (*)(cublasHandle_t);
    // cublasGemmEx's C signature (cublas_api.h); the header's C++ overload makes decltype ambiguous.
    using GemmExFn = cublasStatus_t (*)(cublasHandle_t, cublasOperation_t, cublasOperation_t, int, int, int,
                                        const void*, const void*, cudaDataType, int, const void*, cudaDataType,
                                        int, const void*, void*, cudaDataType, int, cublasComputeType_t,
                                        cublasGemmAlgo_t);

    CublasLib() {
        // Newest first: CUDA 13's, then CUDA 12's, then whatever the unversioned name points at.
        for (const char* name : {"libcublas.so.13", "libcublas.so.12", "libcublas.so"}) {
            lib_ = dlopen(name, RTLD_NOW | RTLD_LOCAL);
            if (lib_) {
                name_ = name;
                break;
            }
        }
        if (!lib_) return;
        create_ = reinterpret_cast<CreateFn>(dlsym(lib_, "cublasCreate_v2"));
        destroy_ = reinterpret_cast<DestroyFn>(dlsym(lib_, "cublasDestroy_v2"));
        gemm_ex = reinterpret_cast<GemmExFn>(dlsym(lib_, "cublasGemmEx"));
        if (!create_ || !destroy_ || !gemm_ex || create_(&handle) != CUBLAS_STATUS_SUCCESS) handle = nullptr;
    }
    ~CublasLib() {
        if (handle) destroy_(handle);
        if (lib_) dlclose(lib_);
    }
    CublasLib(const CublasLib&) = delete;
    CublasLib& operator=(const CublasLib&) = delete;

    bool ok() const { return handle != nullptr; }
    const std::string& name() const { return name_; }  ///< the library file opened

    cublasHandle_t handle = nullptr;
    GemmExFn gemm_ex = nullptr;

private:
    void* lib_ = nullptr;
    std::string name_;
    CreateFn create_ = nullptr;
    DestroyFn destroy_ = nullptr;
};

}  // namespace headroom::probe
