//! docs/deploy.md keeps its word: the GNU parallel command it shows renders,
//! shard by shard, exactly what one `nianbao batch` renders, and the
//! Kubernetes Indexed Job in docs/deploy/batch-job.yaml deals the shards
//! 1/16 … 16/16, one to each pod index 0 … 15.
//!
//! Needs GNU parallel (`apt-get install parallel`) and, as a dev-dependency,
//! `yaml-rust2 = { version = "0.12", default-features = false }`.

use std::path::{Path, PathBuf};
use std::process::Command;

use yaml_rust2::{Yaml, YamlLoader};

use crate::common::{bin, files, run, scratch, stderr};

fn doc(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The body of the one fenced code block of `markdown` whose info string
/// is `info` (```` ```sh parallel ````).
fn fenced(markdown: &str, info: &str) -> String {
    let mut blocks = Vec::new();
    let mut lines = markdown.lines();
    while let Some(line) = lines.next() {
        if line.trim_end() == format!("```{info}") {
            let body: Vec<&str> = lines.by_ref().take_while(|l| l.trim_end() != "```").collect();
            blocks.push(body.join("\n") + "\n");
        }
    }
    assert_eq!(blocks.len(), 1, "docs/deploy.md should hold exactly one ```{info} block");
    blocks.pop().unwrap()
}

/// PATH with the folder of the nianbao binary under test first, so that a
/// documented command line runs this build.
fn path_with_nianbao() -> std::ffi::OsString {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_nianbao")).parent().unwrap().to_path_buf();
    let rest = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(&rest))).unwrap()
}

#[test]
fn the_parallel_command_of_deploy_md_renders_what_one_batch_renders() {
    let script = fenced(&doc("docs/deploy.md"), "sh parallel");
    let has_parallel = Command::new("parallel").arg("--version").output().is_ok_and(|o| o.status.success());
    assert!(has_parallel, "GNU parallel is needed for this test: apt-get install parallel");

    let dir = scratch("deploy-parallel");
    let inputs = dir.join("in");
    let out = run(bin().args(["example", "--count", "12", "--seed", "7", "-o"]).arg(&inputs));
    assert!(out.status.success(), "{}", stderr(&out));

    let sharded = dir.join("sharded");
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .env("IN", &inputs)
        .env("OUT", &sharded)
        .env("PATH", path_with_nianbao())
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "the ```sh parallel block of docs/deploy.md failed ({}):\n{script}\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        stderr(&out)
    );

    let one = dir.join("one");
    let out = run(bin().arg("batch").arg(&inputs).arg("-o").arg(&one));
    assert!(out.status.success(), "{}", stderr(&out));

    // One summary per shard, beside the PDFs, and together every input once.
    let mut sharded = files(&sharded);
    let mut recorded = Vec::new();
    for shard in 1..=2 {
        let name = PathBuf::from(format!("summary-{shard}.json"));
        let summary = sharded.remove(&name).unwrap_or_else(|| panic!("no {} from the parallel run", name.display()));
        let summary: serde_json::Value = serde_json::from_slice(&summary).unwrap();
        assert_eq!(summary["refused"], 0, "shard {shard}: {summary}");
        assert_eq!(summary["failed"], 0, "shard {shard}: {summary}");
        for record in summary["records"].as_array().unwrap() {
            assert_eq!(record["status"], "rendered");
            recorded.push(record["path"].as_str().unwrap().to_string());
        }
    }
    recorded.sort();
    recorded.dedup();
    assert_eq!(recorded.len(), 12, "the two shards together render every input once: {recorded:?}");

    let one = files(&one);
    assert_eq!(one.len(), 12, "{:?}", one.keys().collect::<Vec<_>>());
    assert!(one.keys().all(|p| p.extension().is_some_and(|e| e == "pdf")), "{:?}", one.keys().collect::<Vec<_>>());
    assert_eq!(
        sharded.keys().collect::<Vec<_>>(),
        one.keys().collect::<Vec<_>>(),
        "the shards write the same files as one batch"
    );
    for (path, bytes) in &one {
        assert!(sharded[path] == *bytes, "{}: the sharded PDF differs from one batch's", path.display());
    }
}

/// Kubernetes' expansion of `$(VAR)` in a container's command and args,
/// as the kubelet does it (third_party/forked/golang/expansion): `$$` is
/// `$`, `$(NAME)` of a variable the container has is its value, anything
/// else — `$((…))` included — stays as written, for the shell.
fn kubelet_expand(input: &str, env: &[(&str, &str)]) -> String {
    let mut out = String::new();
    let mut rest = input;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(body) = after.strip_prefix('(') {
            match body.find(')') {
                Some(j) => {
                    let name = &body[..j];
                    match env.iter().find(|(k, _)| *k == name) {
                        Some((_, value)) => out.push_str(value),
                        None => out.push_str(&format!("$({name})")),
                    }
                    rest = &body[j + 1..];
                }
                None => {
                    out.push_str("$(");
                    rest = body;
                }
            }
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

fn strings(y: &Yaml) -> Vec<String> {
    y.as_vec().map(|v| v.iter().map(|s| s.as_str().expect("a string").to_string()).collect()).unwrap_or_default()
}

#[test]
fn the_kubernetes_job_gives_pod_i_shard_i_plus_1_of_16() {
    let text = doc("docs/deploy/batch-job.yaml");
    let docs = YamlLoader::load_from_str(&text).expect("docs/deploy/batch-job.yaml is YAML");
    assert_eq!(docs.len(), 1, "one document: the Job");
    let job = &docs[0];
    assert_eq!(job["apiVersion"].as_str(), Some("batch/v1"));
    assert_eq!(job["kind"].as_str(), Some("Job"));
    let spec = &job["spec"];
    assert_eq!(spec["completionMode"].as_str(), Some("Indexed"));
    assert_eq!(spec["completions"].as_i64(), Some(16));
    assert!(spec["parallelism"].as_i64().is_some_and(|n| n >= 1));
    assert!(spec["backoffLimitPerIndex"].as_i64().is_some(), "retries are counted per shard");

    let pod = &spec["template"]["spec"];
    assert_eq!(pod["restartPolicy"].as_str(), Some("Never"), "required by backoffLimitPerIndex");
    let containers = pod["containers"].as_vec().expect("containers");
    assert_eq!(containers.len(), 1);
    let container = &containers[0];

    // Exit 1 (refused) fails the index without a retry.
    let rules = spec["podFailurePolicy"]["rules"].as_vec().expect("a podFailurePolicy");
    assert!(
        rules.iter().any(|r| r["action"].as_str() == Some("FailIndex")
            && r["onExitCodes"]["containerName"].as_str() == container["name"].as_str()
            && r["onExitCodes"]["operator"].as_str() == Some("In")
            && r["onExitCodes"]["values"].as_vec().is_some_and(|v| v.as_slice() == [Yaml::Integer(1)])),
        "exit code 1 → FailIndex"
    );

    // /data is a PersistentVolumeClaim.
    let mount = container["volumeMounts"].as_vec().unwrap().iter().find(|m| m["mountPath"].as_str() == Some("/data"));
    let volume = mount.expect("a volume mounted at /data")["name"].as_str().unwrap();
    let volumes = pod["volumes"].as_vec().unwrap();
    let volume = volumes.iter().find(|v| v["name"].as_str() == Some(volume)).expect("the /data volume");
    assert!(volume["persistentVolumeClaim"]["claimName"].as_str().is_some(), "/data is a PersistentVolumeClaim");

    let argv: Vec<String> = strings(&container["command"]).into_iter().chain(strings(&container["args"])).collect();
    assert_eq!(argv[..2], ["sh", "-c"], "{argv:?}");
    assert_eq!(argv.len(), 3, "{argv:?}");
    let script = &argv[2];
    for part in ["nianbao batch", "--shard", "JOB_COMPLETION_INDEX + 1", "/16"] {
        assert!(script.contains(part), "the command has no {part:?}: {script}");
    }
    // The manifest in deploy.md is this file.
    let shown = fenced(&doc("docs/deploy.md"), "yaml");
    assert!(text.ends_with(&shown), "the manifest in docs/deploy.md differs from docs/deploy/batch-job.yaml");

    // Each pod's command, expanded as the kubelet does and run by sh, with
    // printf in place of nianbao (one argument a line). A fake `nianbao`
    // script on PATH would do too, but executing a file just written can
    // fail with ETXTBSY while other tests' threads spawn processes.
    assert_eq!(script.matches("nianbao ").count(), 1, "{script}");
    let mut summaries = Vec::new();
    for index in 0..16 {
        let i = index.to_string();
        let env = [("JOB_COMPLETION_INDEX", i.as_str())];
        let expanded = kubelet_expand(script, &env).replacen("nianbao ", "printf '%s\\n' ", 1);
        let out =
            Command::new("sh").arg("-c").arg(&expanded).env("JOB_COMPLETION_INDEX", &i).output().expect("sh runs");
        assert!(out.status.success(), "index {index}: {}", stderr(&out));
        let stdout = String::from_utf8(out.stdout).unwrap();
        let args: Vec<&str> = stdout.lines().collect();
        assert_eq!(args[..4], ["batch", "/data/in", "-o", "/data/out"], "index {index}: {args:?}");
        let after = |flag: &str| args.iter().position(|a| *a == flag).map(|k| args[k + 1]);
        assert_eq!(after("--shard"), Some(format!("{}/16", index + 1).as_str()), "index {index}: {args:?}");
        if let Some(summary) = after("--summary") {
            summaries.push(summary.to_string());
        }
    }
    if !summaries.is_empty() {
        let count = summaries.len();
        summaries.sort();
        summaries.dedup();
        assert_eq!(summaries.len(), count, "each pod writes its own summary: {summaries:?}");
    }
}
