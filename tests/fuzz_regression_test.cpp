// fuzz_regression_test.cpp: every fuzz seed (tests/fuzz/corpus/<target>) and every input that once
// crashed a fuzz target (tests/fuzz/regressions/<target>) run through the same entry the libFuzzer
// target uses (tests/fuzz/fuzz_entries.h), in every build, ASan+UBSan included. An entry aborts
// when an invariant fails, so a regression fails its test.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <string>

#include "fuzz/fuzz_entries.h"
#include "test_support.h"

namespace fs = std::filesystem;

namespace {

const fs::path kFuzzDir = HEADROOM_FUZZ_DIR;

/// Runs `entry` on every file of corpus/<target> and regressions/<target>; returns how many.
int run_all(const std::string& target, const std::function<void(std::string_view)>& entry) {
    int n = 0;
    for (const char* kind : {"corpus", "regressions"}) {
        const fs::path dir = kFuzzDir / kind / target;
        if (!fs::is_directory(dir)) continue;
        for (const auto& f : fs::directory_iterator(dir)) {
            SCOPED_TRACE(f.path().string());
            entry(headroom::test::read_text(f.path().string()));
            ++n;
        }
    }
    return n;
}

}  // namespace

TEST(FuzzRegression, Config) { EXPECT_GE(run_all("config", headroom::fuzz::config_entry), 5); }
TEST(FuzzRegression, Profile) { EXPECT_GE(run_all("profile", headroom::fuzz::profile_entry), 2); }
TEST(FuzzRegression, Scenario) { EXPECT_GE(run_all("scenario", headroom::fuzz::scenario_entry), 5); }
TEST(FuzzRegression, ShareState) { EXPECT_GE(run_all("share_state", headroom::fuzz::share_state_entry), 4); }
#ifdef HEADROOM_GGUF_READER
TEST(FuzzRegression, Gguf) { EXPECT_GE(run_all("gguf", headroom::fuzz::gguf_entry), 1); }
#endif

// The seeds are real inputs, so they must also parse: a seed that stopped parsing is a bug too.
TEST(FuzzRegression, SeedsAreAccepted) {
    for (const auto& f : fs::directory_iterator(kFuzzDir / "corpus" / "config")) {
        const headroom::ArchResult r = headroom::parse_hf_config(headroom::test::read_text(f.path().string()));
        EXPECT_TRUE(r.ok()) << f.path() << ": " << r.error;
    }
    for (const auto& f : fs::directory_iterator(kFuzzDir / "corpus" / "profile")) {
        const headroom::ProfileResult r = headroom::hardware_from_profile(headroom::test::read_text(f.path().string()));
        EXPECT_TRUE(r.ok()) << f.path() << ": " << r.error;
    }
    for (const auto& f : fs::directory_iterator(kFuzzDir / "corpus" / "scenario")) {
        const headroom::ScenarioResult r =
            headroom::parse_scenario(headroom::test::read_text(f.path().string()), headroom::test::catalog());
        EXPECT_TRUE(r.ok()) << f.path() << ": " << r.error;
    }
    for (const auto& f : fs::directory_iterator(kFuzzDir / "corpus" / "share_state")) {
        const std::string text = headroom::test::read_text(f.path().string());
        const headroom::ShareStateResult r = f.path().extension() == ".json"
                                                 ? headroom::read_share_state(text, headroom::test::catalog())
                                                 : headroom::decode_share_link(text, headroom::test::catalog());
        EXPECT_TRUE(r.ok()) << f.path() << ": " << r.error;
    }
}
