//! Generated test data: varied, valid reports whose numbers add up, for
//! batch tests and benchmarks (`nianbao example`).
//!
//! Reports come in runs of consecutive years per agency, with each year's
//! 二、上年结转 equal to the year before's 四、结转下年度继续办理, in both
//! template versions, with rows in both JSON forms and prose of varied
//! length. The same seed gives the same files.

use serde_json::{json, Value};

use crate::form::{applications, proactive, Version};

/// A small deterministic generator (SplitMix64): no dependency, stable
/// across platforms and versions.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const PLACES: &[&str] = &["北关区", "东城县", "西山区", "南湖县", "平安镇", "河口区", "青石县", "云溪区"];
const OFFICES: &[&str] = &[
    "乡村振兴局",
    "教育局",
    "卫生健康委员会",
    "自然资源局",
    "市场监督管理局",
    "人民政府办公室",
    "财政局",
    "交通运输局",
];
const SENTENCES: &[&str] = &[
    "全年主动公开政府信息，及时更新政府信息公开专栏。",
    "严格落实《中华人民共和国政府信息公开条例》的各项要求。",
    "规范依申请公开办理流程，做到依法依规、按时答复。",
    "加强政府网站和政务新媒体建设，提升信息发布质量。",
    "健全信息发布审查机制，严守保密审查要求。",
    "围绕群众关切，做好重点领域信息公开和政策解读。",
    "开展政务公开业务培训，提高工作人员业务水平。",
    "将政务公开工作纳入年度绩效考核，强化监督保障。",
];
const LEADS: &[&str] = &[
    "（一）主动公开方面。",
    "（二）依申请公开方面。",
    "（三）政府信息管理方面。",
    "（四）平台建设方面。",
    "（五）监督保障方面。",
];

fn prose(rng: &mut Rng, max_sentences: u64) -> String {
    (0..1 + rng.below(max_sentences)).map(|_| *rng.pick(SENTENCES)).collect()
}

/// Reports in runs of `run` consecutive years per agency.
pub fn reports(count: usize, seed: u64) -> Vec<(String, Value)> {
    let mut rng = Rng::new(seed);
    let run = 3;
    let mut out = Vec::with_capacity(count);
    let mut carried: Vec<u64> = vec![0; 6];
    for i in 0..count {
        let agency_no = i / run;
        if i % run == 0 {
            carried = (0..6).map(|_| rng.below(3)).collect();
        }
        let agency =
            format!("{}{}", PLACES[agency_no % PLACES.len()], OFFICES[(agency_no / PLACES.len()) % OFFICES.len()]);
        let agency =
            if agency_no >= PLACES.len() * OFFICES.len() { format!("{agency}第{agency_no}分局") } else { agency };
        let year = 2019 + (agency_no % 4) as i64 + (i % run) as i64;
        let (report, forward) = report(&mut rng, &agency, year, &carried);
        carried = forward;
        out.push((format!("agency-{agency_no:04}/{year}.json"), report));
    }
    out
}

fn row(rng: &mut Rng, values: &[u64]) -> Value {
    let total: u64 = values.iter().sum();
    match rng.below(3) {
        0 => json!(values),
        1 => json!(values.iter().copied().chain([total]).collect::<Vec<_>>()),
        _ => {
            let mut obj = serde_json::Map::new();
            for (k, v) in applications::APPLICANTS.parts.iter().zip(values) {
                obj.insert(k.0.into(), json!(v));
            }
            obj.insert("total".into(), json!(total));
            Value::Object(obj)
        }
    }
}

fn insert(obj: &mut Value, path: &str, value: Value) {
    let mut at = obj;
    let parts: Vec<&str> = path.split('/').collect();
    for p in &parts[..parts.len() - 1] {
        at = at.as_object_mut().expect("object").entry(*p).or_insert_with(|| json!({}));
    }
    at.as_object_mut().expect("object").insert(parts[parts.len() - 1].into(), value);
}

/// One report, and its 结转下年度 row for the next year.
fn report(rng: &mut Rng, agency: &str, year: i64, carried: &[u64]) -> (Value, Vec<u64>) {
    let format = Version::for_year(year);
    let lines = applications::lines(format);
    let results: Vec<_> = lines.iter().filter(|l| l.role == applications::LineRole::Result).collect();
    let received: Vec<u64> = (0..6).map(|c| if c == 0 { rng.below(60) } else { rng.below(4) }).collect();
    let forward: Vec<u64> = (0..6).map(|c| rng.below(received[c] / 4 + carried[c] + 1)).collect();
    // Share what was handled this year among the result rows, column by column.
    let mut shares = vec![vec![0u64; 6]; results.len()];
    for c in 0..6 {
        for _ in 0..(received[c] + carried[c] - forward[c]) {
            let r = (rng.below(results.len() as u64) * rng.below(2)) as usize;
            shares[r][c] += 1;
        }
    }
    let mut b = json!({});
    insert(&mut b, "received", row(rng, &received));
    insert(&mut b, "carried_over", row(rng, carried));
    for (line, share) in results.iter().zip(&shares) {
        insert(&mut b, line.path, row(rng, share));
    }
    if rng.below(4) > 0 {
        let total: Vec<u64> = (0..6).map(|c| shares.iter().map(|s| s[c]).sum()).collect();
        insert(&mut b, "results/total", row(rng, &total));
    }
    insert(&mut b, "carried_forward", row(rng, &forward));

    let mut a = json!({});
    for (item, r) in proactive::rows(format) {
        let value = |rng: &mut Rng, kind: proactive::Kind| match kind {
            proactive::Kind::Count => json!(rng.below(500)),
            proactive::Kind::Signed => json!(rng.below(41) as i64 - 20),
            proactive::Kind::Amount if rng.below(2) == 0 => {
                json!(format!("{}.{:02}", rng.below(100000), rng.below(100)))
            }
            proactive::Kind::Amount => {
                serde_json::from_str(&format!("{}.{:03}", rng.below(100), rng.below(1000))).expect("number")
            }
        };
        let v = match item.shape {
            proactive::Shape::Scalar(f) => value(rng, f.kind),
            proactive::Shape::Object(fields) => {
                Value::Object(fields.iter().map(|f| (f.key.to_string(), value(rng, f.kind))).collect())
            }
        };
        insert(&mut a, r.key, v);
    }
    let group = |rng: &mut Rng| {
        let parts: Vec<u64> = (0..4).map(|_| rng.below(3)).collect();
        let total: u64 = parts.iter().sum();
        if rng.below(2) == 0 {
            json!(parts)
        } else {
            json!({"upheld": parts[0], "corrected": parts[1], "other": parts[2], "pending": parts[3], "total": total})
        }
    };
    let mut overview = vec![json!(format!("{year}年，{agency}{}", prose(rng, 4)))];
    for lead in LEADS.iter().take(1 + rng.below(5) as usize) {
        overview.push(json!({"lead": lead, "text": prose(rng, 8)}));
    }
    let mut problems = vec![json!({"heading": "（一）存在的主要问题"}), json!(prose(rng, 3))];
    problems.push(json!({"heading": "（二）改进措施"}));
    for n in 1..=1 + rng.below(3) {
        problems.push(json!(format!("{n}.{}", prose(rng, 2))));
    }
    let mut report = json!({
        "format": format.as_str(),
        "year": year,
        "agency": agency,
        "overview": overview,
        "proactive": a,
        "applications": b,
        "review_litigation": {"review": group(rng), "litigation_direct": group(rng), "litigation_after_review": group(rng)},
        "problems": problems,
        "other_matters": [if format == Version::F2021 { "本年度未收取信息处理费。" } else { "无。" }],
    });
    if rng.below(2) == 0 {
        report["signature"] = json!({"agency": agency, "date": format!("{}年1月20日", year + 1)});
    }
    (report, forward)
}
