# rectikit 每晚定时任务（Windows）。与 nightly.sh 做同样的四件事：
#   1. 导入“收件箱”里的新表格（收件箱\批次名\*.xlsx|xls|ods|csv，子文件夹名就是批次名，已导入过的自动跳过）；
#   2. 导入“交办\报回”文件夹里报回的表格（交办表、调查表、回访记录表可混放；每个文件单独导入，日志里每个文件一行）；
#   3. 计算整改进度；4. 写出当天的催办清单 报告\催办清单-年-月-日.xlsx。
# 每步写一行日志（时间、步骤、退出码）到 报告\定时任务.log。
#
# 用法：  powershell -ExecutionPolicy Bypass -File nightly.ps1 -Workspace D:\2020社会评价整改
# 定时：  任务计划程序 → 创建基本任务 → 每天 22:30 → 启动程序 powershell.exe，
#         参数填：-ExecutionPolicy Bypass -File D:\rectikit\nightly.ps1 -Workspace D:\2020社会评价整改
# 退出码：0 全部成功；1 有步骤失败或有文件未导入；75 上一次还没运行完（上一次被中止、进程已不在时自动清除锁）；2 用法错误。
param(
  [Parameter(Mandatory = $true)][string]$Workspace,
  [string]$Inbox = (Join-Path $Workspace "收件箱"),
  [string]$Returns = (Join-Path (Join-Path $Workspace "交办") "报回"),
  [string]$Rectikit = "rectikit"
)

if (-not (Test-Path (Join-Path $Workspace "rectikit.toml"))) {
  Write-Error "用法：nightly.ps1 -Workspace 工作区文件夹"
  exit 2
}
$reports = Join-Path $Workspace "报告"
New-Item -ItemType Directory -Force -Path $reports | Out-Null
$log = Join-Path $reports "定时任务.log"
$lock = Join-Path $Workspace ".定时任务.lock"

# Creating a folder fails if it exists: the second of two runs stops here. The lock holds the
# running script's process id; a lock whose process is gone was left by a killed run and is taken over.
function Take-Lock {
  try { New-Item -ItemType Directory -Path $lock -ErrorAction Stop | Out-Null } catch { return $false }
  Set-Content -Path (Join-Path $lock "pid") -Value $PID
  return $true
}
if (-not (Take-Lock)) {
  $holder = Get-Content -Path (Join-Path $lock "pid") -ErrorAction SilentlyContinue
  if ($holder -and -not (Get-Process -Id $holder -ErrorAction SilentlyContinue)) {
    Add-Content -Path $log -Value "$(Get-Date -Format 'yyyy-MM-dd HH:mm:ss') stale 上一次定时任务（进程 $holder）已中止，清除它留下的锁后继续"
    Remove-Item -Path $lock -Recurse -Force
    if (-not (Take-Lock)) { exit 75 }
  } else {
    Add-Content -Path $log -Value "$(Get-Date -Format 'yyyy-MM-dd HH:mm:ss') busy 上一次定时任务还在运行，本次不运行"
    exit 75
  }
}

$failed = 0
function Step([string]$Name, [string[]]$Arguments) {
  & $Rectikit @Arguments *>> "$log.详细"
  $code = $LASTEXITCODE
  Add-Content -Path $log -Value "$(Get-Date -Format 'yyyy-MM-dd HH:mm:ss') $Name exit=$code"
  if ($code -ne 0) { $script:failed = 1 }
}

try {
  if (Test-Path $Inbox) {
    foreach ($dir in Get-ChildItem -Path $Inbox -Directory) {
      foreach ($f in Get-ChildItem -Path $dir.FullName -File | Where-Object { $_.Extension -in ".xlsx", ".xls", ".ods", ".csv" }) {
        Step "导入 $($dir.Name)/$($f.Name)" @("import", $f.FullName, "--batch", $dir.Name, "-w", $Workspace)
      }
    }
  }
  if (Test-Path $Returns) {
    $files = @(Get-ChildItem -Path $Returns -File -Filter *.xlsx | ForEach-Object { $_.FullName })
    if ($files.Count -gt 0) {
      $env:COLUMNS = "2000"  # one line per file, never wrapped
      $out = & $Rectikit collect @files -w $Workspace 2>&1 | ForEach-Object { "$_" }
      $code = $LASTEXITCODE
      Add-Content -Path "$log.详细" -Value $out
      foreach ($line in $out | Where-Object { $_ -match '^(已导入|未导入) ' }) {
        Add-Content -Path $log -Value "$(Get-Date -Format 'yyyy-MM-dd HH:mm:ss') 报回 $line"
      }
      Add-Content -Path $log -Value "$(Get-Date -Format 'yyyy-MM-dd HH:mm:ss') 导入报回 $($files.Count) 份 exit=$code"
      if ($code -ne 0) { $script:failed = 1 }
    }
  }
  $today = Get-Date -Format "yyyy-MM-dd"
  Step "催办清单" @("track", "--out", (Join-Path $reports "催办清单-$today.xlsx"), "-w", $Workspace)
}
finally {
  Remove-Item -Path $lock -Recurse -Force
}
exit $failed
