// `willis serve` options from issue 13, through the binary; each case stops before a server starts.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "support/run_process.h"

namespace {

using ServeRun = willis::testing::ProcessRun;

ServeRun run(const std::string& args, const std::string& env = "") {
  return willis::testing::run_process("env -u WILLIS_TOKEN " + env + " " +
                                      std::string(WILLIS_BINARY) + " " + args);
}

std::string temp_file(const std::string& text) {
  const auto path =
      std::filesystem::temp_directory_path() / ("willis-serve-test-" + std::to_string(::getpid()));
  std::ofstream(path) << text << "\n";
  return path.string();
}

TEST(ServeCommand, FhirAllowMustBeAnExactOrigin) {
  for (const std::string origin :
       {"http://ehr.example/fhir", "ftp://ehr.example", "ehr.example", "http://u@ehr.example"}) {
    const ServeRun r = run("serve --port 0 --fhir-allow '" + origin + "'");
    EXPECT_EQ(r.exit_code, 2) << origin << "\n" << r.out;
    EXPECT_NE(r.out.find("--fhir-allow"), std::string::npos) << r.out;
  }
}

TEST(ServeCommand, TheTokenComesFromAFileOrTheEnvironmentAndTheFlagIsWarnedAbout) {
  // A token that is too short for a public address: the error shows which token was read.
  const std::string file = temp_file("short-token");
  const std::string remote = "serve --port 0 --bind 0.0.0.0 --allow-remote";
  const ServeRun from_file = run(remote + " --token-file " + file);
  EXPECT_EQ(from_file.exit_code, 2) << from_file.out;
  EXPECT_NE(from_file.out.find("at least 16"), std::string::npos) << from_file.out;
  EXPECT_EQ(from_file.out.find("warning"), std::string::npos) << from_file.out;
  const ServeRun from_env = run(remote, "WILLIS_TOKEN=short-token");
  EXPECT_EQ(from_env.exit_code, 2) << from_env.out;
  EXPECT_NE(from_env.out.find("at least 16"), std::string::npos) << from_env.out;
  const ServeRun from_flag = run(remote + " --token short-token");
  EXPECT_EQ(from_flag.exit_code, 2) << from_flag.out;
  EXPECT_NE(from_flag.out.find("visible to every user"), std::string::npos) << from_flag.out;
  std::filesystem::remove(file);
}

TEST(ServeCommand, CdsJwksNeedsAnIssuer) {
  const std::string jwks = temp_file(R"({"keys":[]})");
  const ServeRun r = run("serve --port 0 --cds-jwks " + jwks);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("--cds-issuer"), std::string::npos) << r.out;
  std::filesystem::remove(jwks);
}

// `willis serve` runs the sibling program willis-serve (issue 17); without it, the error names
// where it was looked for, and help still works.
TEST(ServeCommand, AMissingServerProgramIsNamedAndHelpStillWorks) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("willis-serve-missing-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "bin");
  const auto lone = dir / "bin" / "willis";
  std::filesystem::copy_file(WILLIS_BINARY, lone);
  const std::string command = "env -u WILLIS_TOKEN " + lone.string() + " serve --port 0 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  std::array<char, 4096> buffer{};
  for (std::size_t n; (n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0;)
    out.append(buffer.data(), n);
  const int status = pclose(pipe);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << out;
  EXPECT_NE(out.find((dir / "bin" / "willis-serve").string()), std::string::npos) << out;
  EXPECT_NE(out.find((dir / "libexec" / "willis" / "willis-serve").string()), std::string::npos)
      << out;
  const std::string help = lone.string() + " serve --help >/dev/null 2>&1";
  EXPECT_EQ(std::system(help.c_str()), 0);
  std::filesystem::remove_all(dir);
}

// `willis audit` runs willis-audit the same way (issue 17: zlib stays out of the static `willis`).
TEST(ServeCommand, AMissingAuditProgramIsNamedAndHelpStillWorks) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("willis-audit-missing-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "bin");
  const auto lone = dir / "bin" / "willis";
  std::filesystem::copy_file(WILLIS_BINARY, lone);
  const auto r = willis::testing::run_process(lone.string() + " audit --codelists");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("willis audit needs the program willis-audit"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find((dir / "libexec" / "willis" / "willis-audit").string()), std::string::npos)
      << r.out;
  EXPECT_EQ(willis::testing::run_process(lone.string() + " audit --help").exit_code, 0);
  std::filesystem::remove_all(dir);
}

TEST(ServeCommand, CdsJwksTakesAFileOrAnHttpUrl) {
  // A URL passes the option check (it is read only when a token needs it) and still needs
  // --cds-issuer.
  const ServeRun url = run("serve --port 0 --cds-jwks http://127.0.0.1:9/jwks.json");
  EXPECT_EQ(url.exit_code, 2) << url.out;
  EXPECT_NE(url.out.find("--cds-issuer"), std::string::npos) << url.out;
  // Anything else must be a file that exists.
  for (const std::string value :
       {"ftp://127.0.0.1/jwks.json", "file:///etc/hostname", "no-such-jwks.json"}) {
    const ServeRun r =
        run("serve --port 0 --cds-issuer https://ehr.example --cds-jwks '" + value + "'");
    EXPECT_NE(r.exit_code, 0) << value << r.out;
    EXPECT_NE(r.out.find("--cds-jwks"), std::string::npos) << value << r.out;
  }
}

}  // namespace
