"""The benchmark names the catalog uses, what each measures, and which use cases read it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class BenchmarkInfo:
    category: str  # knowledge, reasoning, math, code, agentic, instruction, chat, multilingual...
    description: str


BENCHMARKS: dict[str, BenchmarkInfo] = {
    # knowledge and general reasoning
    "MMLU": BenchmarkInfo("knowledge", "57-subject multiple choice (Hendrycks et al., 2021)"),
    "MMLU-Pro": BenchmarkInfo("knowledge", "harder 10-option MMLU successor (Wang et al., 2024)"),
    "MMLU-Redux": BenchmarkInfo("knowledge", "MMLU subset with corrected labels"),
    "GPQA-Diamond": BenchmarkInfo("reasoning", "graduate-level science questions, diamond set"),
    "GPQA": BenchmarkInfo("reasoning", "graduate-level science questions (subset as stated)"),
    "HLE": BenchmarkInfo("reasoning", "Humanity's Last Exam"),
    "SimpleQA": BenchmarkInfo("knowledge", "short factual questions (hallucination)"),
    "BBH": BenchmarkInfo("reasoning", "BIG-Bench Hard"),
    "BigBench-Extra-Hard": BenchmarkInfo("reasoning", "BIG-Bench Extra Hard"),
    "ARC-C": BenchmarkInfo("knowledge", "AI2 Reasoning Challenge, challenge set"),
    "HellaSwag": BenchmarkInfo("knowledge", "commonsense sentence completion"),
    "WinoGrande": BenchmarkInfo("knowledge", "commonsense pronoun resolution"),
    "TriviaQA": BenchmarkInfo("knowledge", "open-domain trivia questions"),
    "TruthfulQA": BenchmarkInfo("knowledge", "questions probing common misconceptions"),
    "PopQA": BenchmarkInfo("knowledge", "long-tail entity questions"),
    "DROP": BenchmarkInfo("reasoning", "discrete reasoning over paragraphs"),
    "ZebraLogic": BenchmarkInfo("reasoning", "logic grid puzzles of graded size"),
    # instruction following and chat
    "IFEval": BenchmarkInfo("instruction", "verifiable instruction following"),
    "IFBench": BenchmarkInfo("instruction", "unseen verifiable output constraints (AI2)"),
    "Arena-Hard": BenchmarkInfo("chat", "hard chat prompts judged against a baseline model"),
    "AlpacaEval-2": BenchmarkInfo("chat", "length-controlled win rate vs a reference model"),
    "MT-Bench": BenchmarkInfo("chat", "multi-turn chat judged by a strong model (score out of 10)"),
    "MM-MT-Bench": BenchmarkInfo("vision", "multimodal MT-Bench"),
    "WildBench": BenchmarkInfo("chat", "real-user tasks judged by a strong model"),
    "LiveBench": BenchmarkInfo("chat", "contamination-limited mixed tasks, dated release"),
    # code
    "HumanEval": BenchmarkInfo("code", "Python function synthesis (Chen et al., 2021)"),
    "HumanEval+": BenchmarkInfo("code", "HumanEval with extra tests (EvalPlus)"),
    "MBPP": BenchmarkInfo("code", "basic Python problems"),
    "MBPP+": BenchmarkInfo("code", "MBPP with extra tests (EvalPlus)"),
    "LiveCodeBench": BenchmarkInfo(
        "code", "contest problems after a cut-off date (window matters)"
    ),
    "MultiPL-E": BenchmarkInfo("code", "HumanEval translated to many languages"),
    "Aider-Polyglot": BenchmarkInfo("code", "multi-language code editing (Aider)"),
    "Aider": BenchmarkInfo("code", "Aider's earlier code-editing benchmark"),
    "SWE-bench-Verified": BenchmarkInfo("agentic", "real GitHub issues, human-verified subset"),
    "SWE-bench-Pro": BenchmarkInfo("agentic", "long-horizon issues, many repositories (Scale AI)"),
    "Codeforces": BenchmarkInfo("code", "competitive programming rating (Elo)"),
    "BigCodeBench": BenchmarkInfo("code", "practical library-heavy Python tasks"),
    "CRUXEval": BenchmarkInfo("code", "code reasoning: predict input/output"),
    "McEval": BenchmarkInfo("code", "massively multilingual code evaluation"),
    "Spider": BenchmarkInfo("code", "text-to-SQL"),
    "BIRD": BenchmarkInfo("code", "text-to-SQL on large databases"),
    "Terminal-Bench": BenchmarkInfo("agentic", "tasks in a terminal environment"),
    "SWE-bench-Multilingual": BenchmarkInfo("agentic", "SWE-bench style issues in 9 languages"),
    "Multi-SWE-bench": BenchmarkInfo("agentic", "multi-language issue resolution"),
    "SWE-Dev": BenchmarkInfo("agentic", "feature-driven software development tasks"),
    # math
    "MATH": BenchmarkInfo("math", "competition mathematics (Hendrycks et al., 2021)"),
    "MATH-500": BenchmarkInfo("math", "500-problem subset of MATH"),
    "GSM8K": BenchmarkInfo("math", "grade-school math word problems"),
    "AIME": BenchmarkInfo("math", "American Invitational Mathematics Examination (year unstated)"),
    "AIME-2024": BenchmarkInfo("math", "AIME 2024 problems"),
    "AIME-2025": BenchmarkInfo("math", "AIME 2025 problems"),
    "AIME-2026": BenchmarkInfo("math", "AIME 2026 problems"),
    "HMMT-2025": BenchmarkInfo("math", "Harvard-MIT Mathematics Tournament 2025"),
    "OMEGA": BenchmarkInfo("math", "out-of-distribution generalization in competition math"),
    # tools and agents
    "BFCL": BenchmarkInfo("agentic", "Berkeley Function-Calling Leaderboard (version matters)"),
    "TAU-bench-Retail": BenchmarkInfo("agentic", "tool-using customer-service agent, retail"),
    "TAU-bench-Airline": BenchmarkInfo("agentic", "tool-using customer-service agent, airline"),
    "TAU2-bench": BenchmarkInfo("agentic", "tau-bench second edition"),
    "TAU-bench": BenchmarkInfo("agentic", "tau-bench, domain not stated by the vendor"),
    "BrowseComp": BenchmarkInfo("agentic", "web browsing for hard-to-find facts"),
    "OSWorld-Verified": BenchmarkInfo("agentic", "computer-use tasks in real desktop apps"),
    "AndroidWorld": BenchmarkInfo("agentic", "tasks in Android apps"),
    # multilingual
    "MGSM": BenchmarkInfo("multilingual", "GSM8K translated into 10 languages"),
    "MMMLU": BenchmarkInfo("multilingual", "OpenAI's MMLU translated into 14 languages"),
    "Multilingual MMLU": BenchmarkInfo("multilingual", "Microsoft's multilingual MMLU"),
    "INCLUDE": BenchmarkInfo("multilingual", "regional knowledge exams in 44 languages"),
    "MMLU-ProX": BenchmarkInfo("multilingual", "MMLU-Pro translated into many languages"),
    # long context
    "RULER": BenchmarkInfo("long-context", "synthetic long-context retrieval and tracing"),
    "LongBench-v2": BenchmarkInfo("long-context", "realistic long-context understanding"),
    # vision
    "MMMU": BenchmarkInfo("vision", "college-level multimodal questions"),
    "MMMU-Pro": BenchmarkInfo("vision", "harder MMMU"),
    "MathVista": BenchmarkInfo("vision", "visual math reasoning"),
    "DocVQA": BenchmarkInfo("vision", "document image question answering"),
    "ChartQA": BenchmarkInfo("vision", "chart question answering"),
    "MathVision": BenchmarkInfo("vision", "competition math problems with images"),
    "RealWorldQA": BenchmarkInfo("vision", "real-world spatial questions on photos (xAI)"),
    "OmniDocBench": BenchmarkInfo("vision", "document parsing: text, tables, formulas, layout"),
}
